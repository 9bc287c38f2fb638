// Errors from cells as Jupyter error content: name, value and a readable traceback.
import type { ErrorContent } from "../ipc";
import * as fs from "fs";
import * as path from "path";
import type { Diagnostic } from "../language";

const INTERRUPT_MESSAGES = ["Script execution was interrupted by `SIGINT`", "Interrupted asynchronously"];

export function isInterrupt(e: unknown): boolean {
  return e instanceof Error && INTERRUPT_MESSAGES.some((m) => e.message.startsWith(m));
}

export function keyboardInterrupt(): ErrorContent {
  return { ename: "KeyboardInterrupt", evalue: "interrupted by the user", traceback: ["KeyboardInterrupt: interrupted by the user"] };
}

/** Stack frames of the user's code only: nothing of node's internals or of the kernel. */
function userFrames(stack: string | undefined): string[] {
  if (!stack) return [];
  return stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .filter((l) => !/node:internal|\(node:|\/tslab\/dist\/|\/dist\/kernel\//.test(l));
}

export function fromThrown(e: unknown): ErrorContent {
  if (isInterrupt(e)) return keyboardInterrupt();
  if (e instanceof Error) {
    const ename = e.name || "Error";
    const evalue = e.message ?? "";
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...userFrames(e.stack)] };
  }
  const evalue = typeof e === "string" ? e : JSON.stringify(e) ?? String(e);
  return { ename: "Error", evalue: `a non-Error value was thrown: ${evalue}`, traceback: [`Error: thrown value ${evalue}`] };
}

/** Type errors found before running: every diagnostic with its line, column and the source line
 * (of the cell, or of the imported module it is in, named relative to the kernel's folder). */
export function fromDiagnostics(diags: Diagnostic[], source: string): ErrorContent {
  const cellLines = source.split("\n");
  const where = (d: Diagnostic) => `${d.fileName ? `${path.relative(process.cwd(), d.fileName)}:` : ""}${d.start.line + 1}:${d.start.character + 1}`;
  const traceback: string[] = [];
  for (const d of diags) {
    traceback.push(`${where(d)} - error TS${d.code}: ${d.messageText}`);
    const text = (d.fileName ? fileLines(d.fileName) : cellLines)[d.start.line];
    if (text !== undefined) traceback.push(`  ${text}`, `  ${" ".repeat(d.start.character)}^`);
  }
  const first = diags[0];
  return {
    ename: "TypeScriptError",
    evalue: first ? `${where(first)} - ${first.messageText}` : "compilation failed",
    traceback,
  };
}

function fileLines(file: string): string[] {
  try {
    return fs.readFileSync(file, "utf8").split("\n");
  } catch {
    return [];
  }
}

/** An error that already is Jupyter error content (a type error, an interrupt): shown as it is. */
export class CellError extends Error {
  constructor(readonly content: ErrorContent) {
    super(content.evalue);
  }
}
