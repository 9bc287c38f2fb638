// The magic registry: specs for parsing/help/completion and the functions that run them.
import type { MagicSpec } from "./spec";
import type { ParsedArgs } from "./parse";
import { builtinMagics } from "./builtins";
import { trackingMagics } from "./track";
import { sweepMagics } from "./sweep";
import { baselineMagics } from "./baseline";

export interface Compiled {
  /** Runs the compiled code once; returns its value (a promise when the code awaits). */
  run(): unknown;
  /** Runs it n times in a row; an interrupt stops even a tight synchronous loop. */
  loop(n: number): Promise<void>;
  isAsync: boolean;
}

/** What a magic may do in the runtime that runs it. */
export interface MagicContext {
  /** Runs TypeScript as a cell would (outputs and errors reported); timings in ms. */
  runCode(code: string): Promise<{ ok: boolean; compileMs: number; runMs: number }>;
  /** Type-checks and compiles once, for repeated runs. */
  compile(code: string): Compiled;
  print(text: string): void;
  /** Shows text in the pager (a page payload), or inline when the frontend has none. */
  page(text: string): void;
  /** Variables defined by cells so far. */
  locals(): Record<string, unknown>;
  /** Throws a KeyboardInterrupt error when an interrupt arrived since the magic started. */
  checkInterrupt(): void;
  magics(): MagicDefinition[];
  /** Shows a value as display_data. */
  display(value: unknown): void;
  /** Makes a value the cell's result (execute_result), as if it were its last expression. */
  setResult(value: unknown): void;
  /** The value of the code just run (its last expression), taken so it is not also shown. */
  takeResult(): unknown;
  /** Name, value and traceback of an error thrown while running code. */
  describeError(e: unknown): { ename: string; evalue: string; traceback: string[] };
}

export interface MagicDefinition {
  spec: MagicSpec;
  run(ctx: MagicContext, args: ParsedArgs, body: string | undefined): Promise<void> | void;
  /** Called after every cell (e.g. to add the cell's code to a run that spans cells). */
  afterCell?(code: string, error: { ename: string; evalue: string } | undefined): Promise<void> | void;
}

export class MagicRegistry {
  private byName = new Map<string, MagicDefinition>();

  constructor(defs: MagicDefinition[] = []) {
    for (const d of defs) this.register(d);
  }

  register(def: MagicDefinition): void {
    this.byName.set(def.spec.name, def);
  }

  get(name: string): MagicDefinition | undefined {
    return this.byName.get(name);
  }

  all(): MagicDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }

  isLineMagic = (name: string): boolean => !!this.byName.get(name)?.spec.line;
}

export function defaultMagics(): MagicRegistry {
  return new MagicRegistry([...builtinMagics, ...trackingMagics, ...sweepMagics, ...baselineMagics]);
}

export type { MagicSpec } from "./spec";
export { formatHelp } from "./spec";
export { parseArgs, splitCell, tokenize, MagicUsageError } from "./parse";
