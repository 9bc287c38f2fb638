// The names every cell sees without importing them: one list, from which the runtime sets the
// globals (kernel/child/globals.ts) and the language service declares them (PRELUDE in
// language.ts). Plain data, so the protocol process can declare them without loading the library.
import * as path from "path";

/** Where a global comes from: an export of one of the library's modules. */
export const GLOBAL_MODULES = {
  display: path.join(__dirname, "..", "src", "display", "index"),
  comm: path.join(__dirname, "..", "src", "comm", "index"),
  track: path.join(__dirname, "..", "src", "track", "index"),
  tune: path.join(__dirname, "..", "src", "tune", "index"),
} as const;

export type GlobalModule = keyof typeof GLOBAL_MODULES;

export interface KernelGlobal {
  name: string;
  /** The module whose export of the same name it is; "runtime" for what the runtime itself provides. */
  from: GlobalModule | "runtime";
  /** Its declaration, for a global the runtime provides (no module to take the type from). */
  declaration?: string;
}

export const KERNEL_GLOBALS: readonly KernelGlobal[] = [
  ...["display", "clearOutput", "html", "markdown", "mime", "MIME"].map((name) => ({ name, from: "display" as const })),
  { name: "comms", from: "comm" },
  ...["log", "param", "artifact", "logFigure", "logTable", "logImage", "logText", "startRun", "endRun", "activeRun", "listRuns", "compareRuns", "loadModel", "loadArtifact", "loadMedia", "runOutput"].map((name) => ({ name, from: "track" as const })),
  ...["uniform", "logUniform", "int", "choice", "createStudy", "TrialPruned", "trainRounds"].map((name) => ({ name, from: "tune" as const })),
  {
    name: "input",
    from: "runtime",
    declaration: "/** Asks the user for a line of text (a Jupyter input_request). */\n  function input(prompt?: string, options?: { password?: boolean }): Promise<string>;",
  },
];

/**
 * The globals as TypeScript declarations. Inside `declare global` they are augmentations, not
 * locals of the declarations file, so tslab does not copy them into the next cell's declarations.
 */
export function preludeOf(globals: readonly KernelGlobal[]): string {
  const lines = globals.map((g) =>
    g.from === "runtime"
      ? `  ${g.declaration}`
      : `  const ${g.name}: typeof import(${JSON.stringify(GLOBAL_MODULES[g.from])}).${g.name};`,
  );
  return `declare global {\n${lines.join("\n")}\n}\n`;
}
