// The runs table's columns: which exist (the run's own fields, every metric, every param), which
// show by default (metrics first, then the params that vary: the rules of src/track/columns.ts),
// and what the user changed (shown, hidden, order, pinned, widths), kept as plain data so it can
// be saved and tested. Also which rows a scrolled viewport needs.
import { compactTime, metricColumns, varyingParams } from "../../src/track/columns";
import { formatDuration, formatNumber, formatTime } from "../../src/track/format";
import type { RunRow } from "./wire";

export type ColumnKind = "name" | "status" | "started" | "duration" | "tags" | "metric" | "param";

export interface Column {
  id: string;
  kind: ColumnKind;
  label: string;
  /** The metric or param name. */
  key?: string;
  /** Shown unless the user hid it. */
  byDefault: boolean;
  numeric: boolean;
  /** A metric's direction (from a run that set or guessed it): its best values sort first. */
  goal?: "min" | "max" | null;
}

/** What the user changed; columns it does not name follow the defaults. */
export interface ColumnState {
  order: string[];
  shown: string[];
  hidden: string[];
  pinned: string[];
  widths: Record<string, number>;
}

export const emptyState = (): ColumnState => ({ order: [], shown: [], hidden: [], pinned: ["name"], widths: {} });

const FIXED: Column[] = [
  { id: "name", kind: "name", label: "name", byDefault: true, numeric: false },
  { id: "status", kind: "status", label: "status", byDefault: true, numeric: false },
  { id: "started", kind: "started", label: "started", byDefault: true, numeric: false },
  { id: "duration", kind: "duration", label: "duration", byDefault: true, numeric: true },
  { id: "tags", kind: "tags", label: "tags", byDefault: true, numeric: false },
];

/** Every column the runs have, in the default order: the run, its metrics, then its params (varying first). */
export function allColumns(runs: readonly RunRow[]): Column[] {
  const goals = new Map<string, "min" | "max">();
  for (const r of runs) for (const m of Object.values(r.metrics)) if (m.goal && !goals.has(m.key)) goals.set(m.key, m.goal);
  const metrics = metricColumns(runs).map((k): Column => ({ id: `metrics.${k}`, kind: "metric", label: k, key: k, byDefault: true, numeric: true, goal: goals.get(k) ?? null }));
  const varying = varyingParams(runs);
  const rest = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].filter((k) => !varying.includes(k)).sort();
  const params = [...varying.map((k) => [k, true] as const), ...rest.map((k) => [k, false] as const)].map(
    ([k, vary]): Column => ({ id: `params.${k}`, kind: "param", label: k, key: k, byDefault: vary, numeric: false }),
  );
  const hasTags = runs.some((r) => r.tags.length);
  return [...FIXED.map((c) => (c.id === "tags" ? { ...c, byDefault: hasTags } : c)), ...metrics, ...params];
}

export function isShown(c: Column, state: ColumnState): boolean {
  if (state.hidden.includes(c.id)) return false;
  return c.byDefault || state.shown.includes(c.id);
}

/** The columns in the user's order (the rest in the default order after them), pinned ones first. */
export function orderedColumns(all: readonly Column[], state: ColumnState): Column[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const ordered = [...state.order.filter((id) => byId.has(id)).map((id) => byId.get(id)!), ...all.filter((c) => !state.order.includes(c.id))];
  const pinned = ordered.filter((c) => state.pinned.includes(c.id));
  return [...pinned, ...ordered.filter((c) => !state.pinned.includes(c.id))];
}

export function visibleColumns(all: readonly Column[], state: ColumnState): Column[] {
  return orderedColumns(all, state).filter((c) => isShown(c, state));
}

export function setShown(state: ColumnState, id: string, on: boolean): ColumnState {
  return {
    ...state,
    shown: on ? [...new Set([...state.shown, id])] : state.shown.filter((x) => x !== id),
    hidden: on ? state.hidden.filter((x) => x !== id) : [...new Set([...state.hidden, id])],
  };
}

export function setPinned(state: ColumnState, id: string, on: boolean): ColumnState {
  return { ...state, pinned: on ? [...new Set([...state.pinned, id])] : state.pinned.filter((x) => x !== id) };
}

/** `id` moved to where `before` is (or to the end): the whole current order is written down. */
export function moveColumn(all: readonly Column[], state: ColumnState, id: string, before: string | null): ColumnState {
  const order = orderedColumns(all, state).map((c) => c.id).filter((x) => x !== id);
  const at = before === null ? order.length : Math.max(0, order.indexOf(before));
  order.splice(at, 0, id);
  return { ...state, order };
}

export const MIN_WIDTH = 48;

export function defaultWidth(c: Column): number {
  return c.kind === "name" ? 220 : c.kind === "tags" ? 140 : c.kind === "started" ? 110 : c.kind === "status" ? 84 : c.kind === "duration" ? 80 : 110;
}

export function widthOf(c: Column, state: ColumnState): number {
  return Math.max(MIN_WIDTH, state.widths[c.id] ?? defaultWidth(c));
}

/** The sort spec (src/track/query) a column sorts by. */
export function sortSpecOf(c: Column, desc: boolean): string {
  const field = c.kind === "metric" ? `metrics.${c.key}` : c.kind === "param" ? `params.${c.key}` : c.kind === "tags" ? "name" : c.kind;
  return `${desc ? "-" : ""}${field}`;
}

/**
 * The sort after a header click: first best first (ascending for a metric to minimise, else
 * descending), then the other way, then none (newest first).
 */
export function nextSort(c: Column, current: string): string {
  const first = sortSpecOf(c, c.goal !== "min");
  const second = sortSpecOf(c, c.goal === "min");
  return current === first ? second : current === second ? "" : first;
}

/** A cell's text (`full` for its tooltip where the cell shows less). */
export function cellText(run: RunRow, c: Column, now = Date.now()): { text: string; full?: string } {
  switch (c.kind) {
    case "name":
      return { text: run.name, full: `${run.name} (${run.id})` };
    case "status":
      return { text: run.status, full: run.error ? `${run.status}: ${run.error}` : undefined };
    case "started":
      return { text: compactTime(run.startedAt, now), full: formatTime(run.startedAt) };
    case "duration":
      return { text: formatDuration(run.durationMs ?? (run.status === "running" ? now - run.startedAt : null)) };
    case "tags":
      return { text: run.tags.join(", ") };
    case "metric": {
      const m = run.metrics[c.key!];
      return m ? { text: formatNumber(m.last), full: `${c.key}: last ${formatNumber(m.last)}, min ${formatNumber(m.min)}, max ${formatNumber(m.max)}, ${m.count} point${m.count === 1 ? "" : "s"}` } : { text: "" };
    }
    case "param": {
      const text = formatNumber(run.params[c.key!]);
      return { text, full: text };
    }
  }
}

/** The rows a viewport shows, with `overscan` more each side: [first, end). */
export function visibleRange(scrollTop: number, height: number, rowHeight: number, rows: number, overscan = 8): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(rows, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return [first, Math.max(first, end)];
}
