// The magic contract: what a magic implementation is, and what it may do in the runtime that runs it.
import type { MagicRegistry as Registry, MagicSpec } from "./spec";
import type { ParsedArgs } from "./parse";
import type { CapturedItem } from "../../src/display/capture";

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
  /** `p`, or a KeyboardInterrupt error as soon as an interrupt arrives (a shell command, a download). */
  race<T>(p: Promise<T>): Promise<T>;
  /** Runs `fn` with the cell's stdout, stderr and displays (those `which` names; all by default)
   * collected instead of shown (%%capture). */
  capture<T>(fn: () => Promise<T>, which?: { stdout: boolean; stderr: boolean; display: boolean }): Promise<{ value: T; items: CapturedItem[] }>;
  /** The project's modules that cells imported: %autoreload turns their reloading off and on. */
  modules(): {
    /** The folder the relative imports of cells are written from (the notebook's). */
    readonly cellDir: string;
    autoreload: boolean;
    pending(): string[];
    loaded(): string[];
    /** Each loaded module's path, sha256 and text, as appended to a run's code ("" when none). */
    section(): string;
  };
  /** Puts text in the next input cell (`replace`: in this cell instead), as IPython's set_next_input. */
  setNextInput(text: string, replace: boolean): void;
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

/** The runtime's magics: specs with their implementations. */
export type MagicRegistry = Registry<MagicDefinition>;
