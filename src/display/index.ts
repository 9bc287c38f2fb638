// Rich display without Jupyter: values that know how to show themselves, and a pluggable sink.
// In a plain Node script output falls back to text on stdout; the kernel installs a sink that
// turns the same calls into display_data / update_display_data / clear_output messages.
import { inspect } from "util";
import { randomUUID } from "crypto";

/** A value whose `[MIME]()` method returns a bundle such as `{ "text/html": "…", "text/plain": "…" }`. */
export const MIME = Symbol.for("modelbench.mime");

export type MimeBundle = Record<string, unknown>;

export interface Displayable {
  [MIME](): MimeBundle;
}

export interface DisplayOutput {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface DisplaySink {
  display(out: DisplayOutput, displayId: string | undefined, update: boolean): void;
  clear(wait: boolean): void;
}

const SINK = Symbol.for("modelbench.displaySink");

/** Values marked with this are not shown as a cell's result (e.g. the handle `display()` returns). */
export const QUIET = Symbol.for("modelbench.quiet");

export function isQuiet(value: unknown): boolean {
  return value != null && typeof value === "object" && (value as any)[QUIET] === true;
}

/** Text for a terminal: what the Node REPL would print. */
export function plainText(value: unknown): string {
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 50 });
}

export function isDisplayable(value: unknown): value is Displayable {
  return value != null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as any)[MIME] === "function";
}

/**
 * How to show values of a class we do not own (an arquero table, a danfo DataFrame): `test` picks
 * them out, `bundle` renders them. Kept on globalThis so every copy of this module sees them.
 */
export interface DisplayAdapter {
  name: string;
  test(value: object): boolean;
  bundle(value: any): MimeBundle;
}

const ADAPTERS = Symbol.for("modelbench.displayAdapters");

function adapters(): DisplayAdapter[] {
  const g = globalThis as any;
  return (g[ADAPTERS] ??= []);
}

/** Registers (or replaces, by name) how values that `test` accepts are displayed. */
export function registerDisplayAdapter(adapter: DisplayAdapter): void {
  const list = adapters();
  const i = list.findIndex((a) => a.name === adapter.name);
  if (i >= 0) list[i] = adapter;
  else list.push(adapter);
}

function adapted(value: unknown): Displayable | null {
  if (value == null || typeof value !== "object") return null;
  const a = adapters().find((x) => x.test(value));
  return a ? { [MIME]: () => a.bundle(value) } : null;
}

/** The MIME bundle of any value; always has text/plain so every frontend can show something. */
export function toDisplayOutput(value: unknown): DisplayOutput {
  const shown = isDisplayable(value) ? value : adapted(value);
  if (shown) {
    const bundle = { ...shown[MIME]() };
    if (!("text/plain" in bundle)) bundle["text/plain"] = plainText(value);
    return { data: bundle, metadata: {} };
  }
  return { data: { "text/plain": plainText(value) }, metadata: {} };
}

const consoleSink: DisplaySink = {
  display(out) {
    process.stdout.write(String(out.data["text/plain"]) + "\n");
  },
  clear() {},
};

/** The kernel calls this once; everything in src/ displays through it. Kept on globalThis so two copies of this module agree. */
export function setDisplaySink(sink: DisplaySink | null): void {
  (globalThis as any)[SINK] = sink ?? undefined;
}

/** True when something (the kernel) installed a sink: rich, updatable displays reach a frontend. */
export function hasDisplaySink(): boolean {
  return (globalThis as any)[SINK] !== undefined;
}

function sink(): DisplaySink {
  return (globalThis as any)[SINK] ?? consoleSink;
}

/**
 * What `display()` shows: a string is its text (a progress line reads `epoch 3/3`, as print()
 * would, not the REPL's quoted `'epoch 3/3'`, which stays for a cell's result); else the bundle.
 */
function shownOutput(value: unknown): DisplayOutput {
  return typeof value === "string" ? { data: { "text/plain": value }, metadata: {} } : toDisplayOutput(value);
}

/** A display that can be replaced in place later, e.g. a progress bar. */
export class DisplayHandle {
  readonly [QUIET] = true;
  constructor(readonly id: string) {}
  update(value: unknown): void {
    sink().display(shownOutput(value), this.id, true);
  }
}

export function display(value: unknown, options: { id?: string } = {}): DisplayHandle {
  const id = options.id ?? randomUUID();
  sink().display(shownOutput(value), id, false);
  return new DisplayHandle(id);
}

export function clearOutput(wait = false): void {
  sink().clear(wait);
}

/** Wraps a ready-made bundle: `display(mime({ "text/markdown": "**hi**" }))`. */
export function mime(bundle: MimeBundle): Displayable {
  return { [MIME]: () => bundle };
}

export function html(source: string): Displayable {
  return mime({ "text/html": source, "text/plain": source.replace(/<[^>]*>/g, "") });
}

export function markdown(source: string): Displayable {
  return mime({ "text/markdown": source, "text/plain": source });
}
