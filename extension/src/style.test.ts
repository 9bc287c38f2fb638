// Theme-awareness of the stylesheet: every colour comes from JupyterLab's --jp-* variables, so the
// panel follows the light and dark themes (the browser test checks the dark theme in Chromium).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const STYLE = join(__dirname, "..", "..", "..", "style");
const css = readdirSync(STYLE)
  .filter((f) => f.endsWith(".css"))
  .map((f) => readFileSync(join(STYLE, f), "utf8"))
  .join("\n")
  .replace(/\/\*[\s\S]*?\*\//g, "");
const COLOUR_PROPS = /^(color|background|background-color|border|border-[a-z-]*color|border-(top|right|bottom|left)|outline|outline-color|fill|stroke|box-shadow)$/;
const NEUTRAL = /^(none|transparent|inherit|currentColor|unset|initial|0)$/i;

test("every colour in the stylesheets is a JupyterLab theme variable", () => {
  const offending: string[] = [];
  let checked = 0;
  for (const m of css.matchAll(/([a-z-]+)\s*:\s*([^;{}]+);/g)) {
    const [, prop, value] = m;
    if (!COLOUR_PROPS.test(prop)) continue;
    checked++;
    const literal = /#[0-9a-f]{3,8}\b|\b(rgb|rgba|hsl|hsla)\(|\b(white|black|red|green|blue|gray|grey|orange|yellow)\b/i.test(value);
    if (literal) offending.push(`${prop}: ${value.trim()}`);
    else if (!value.includes("var(--jp-") && !value.split(/\s+/).every((w) => NEUTRAL.test(w) || /^[\d.]+(px|em)?$/.test(w) || /^(solid|dashed|dotted)$/.test(w)))
      offending.push(`${prop}: ${value.trim()}`);
  }
  assert.ok(checked > 20, `only ${checked} colour declarations found: is the stylesheet where the test looks?`);
  assert.deepEqual(offending, []);
});
