// The runtime's magics: every spec (specs/) with its implementation, built anew for each runtime (a
// magic's state, such as the run a %track spans, is that runtime's). The protocol process does not
// load this module; it reads specs/ alone.
import { MagicRegistry } from "./spec";
import type { MagicDefinition } from "./contract";
import { MAGIC_SPECS } from "./specs";
import { builtinMagics } from "./builtins";
import { trackingMagics } from "./track";
import { sweepMagics } from "./sweep";
import { baselineMagics } from "./baseline";
import { automlMagics } from "./automl";
import { systemMagics } from "./system";
import { sessionMagics } from "./session";

export function defaultMagics(): MagicRegistry<MagicDefinition> {
  const defs = [...builtinMagics, ...trackingMagics(), ...sweepMagics, ...baselineMagics, ...automlMagics, ...systemMagics(), ...sessionMagics()];
  const missing = MAGIC_SPECS.filter((s) => !defs.some((d) => d.spec === s)).map((s) => s.name);
  const unlisted = defs.filter((d) => !MAGIC_SPECS.includes(d.spec)).map((d) => d.spec.name);
  // Completion and --help in the protocol process would promise magics the runtime lacks, or miss some.
  if (missing.length || unlisted.length) throw new Error(`magic specs and implementations disagree: no implementation of ${missing.join(", ") || "-"}; not in specs/: ${unlisted.join(", ") || "-"}`);
  return new MagicRegistry(defs);
}

export type { Compiled, MagicContext, MagicDefinition } from "./contract";
export type { MagicSpec } from "./spec";
export { formatHelp, MagicRegistry } from "./spec";
export { parseArgs, splitCell, tokenize, MagicUsageError } from "./parse";
