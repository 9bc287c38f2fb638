// Completion of magic names and their --flags, answered without the runtime.
import type { MagicRegistry, MagicSpec } from "./spec";

export interface Completion {
  matches: string[];
  start: number;
  end: number;
}

/** Completes `%na…`, `%%na…` and `%name … --fl…` at `cursor` (a UTF-16 index); null when not in a magic. */
export function completeMagic(code: string, cursor: number, registry: MagicRegistry<{ spec: MagicSpec }>): Completion | null {
  const lineStart = code.lastIndexOf("\n", cursor - 1) + 1;
  const before = code.slice(lineStart, cursor);
  const name = /^(\s*)(%%?)(\w*)$/.exec(before);
  if (name) {
    const cellOnly = name[2] === "%%";
    if (cellOnly && lineStart !== 0) return null;
    const matches = registry
      .all()
      .filter((d) => (cellOnly ? d.spec.cell : d.spec.line) && d.spec.name.startsWith(name[3]))
      .map((d) => name[2] + d.spec.name);
    return { matches, start: lineStart + name[1].length, end: cursor };
  }
  const value = /^\s*%%?(\w+)\b.*?\s--([\w-]+)[ =]([\w.-]*)$/.exec(before);
  if (value) {
    const choices = registry.get(value[1])?.spec.options.find((o) => o.name === value[2])?.choices;
    if (choices) return { matches: choices.filter((c) => c.startsWith(value[3])), start: cursor - value[3].length, end: cursor };
  }
  const flag = /^\s*%%?(\w+)\b.*?(?:^|\s)(--?[\w-]*)$/.exec(before);
  if (flag) {
    const def = registry.get(flag[1]);
    if (!def) return null;
    const typed = flag[2];
    const flags = [...def.spec.options.map((o) => `--${o.name}`), "--help"];
    return { matches: flags.filter((f) => f.startsWith(typed)), start: cursor - typed.length, end: cursor };
  }
  return null;
}

/** Help for the magic named on the cursor's line, if any. */
export function magicAt(code: string, cursor: number, registry: MagicRegistry<{ spec: MagicSpec }>) {
  const lineStart = code.lastIndexOf("\n", Math.max(0, cursor - 1)) + 1;
  const lineEnd = code.indexOf("\n", cursor);
  const line = code.slice(lineStart, lineEnd < 0 ? code.length : lineEnd);
  const m = /^\s*%%?(\w+)/.exec(line);
  return m ? registry.get(m[1]) ?? null : null;
}
