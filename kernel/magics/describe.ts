// What %who and %whos say about a notebook variable: its type and, for arrays, tables and
// tensors, its shape; short enough for one row of a table.

export interface Description {
  /** What %who's type filter matches: number, string, array, object, function, … */
  kind: string;
  /** Type as %whos shows it: number, number[], Float32Array, Tensor, ColumnTable, DataFrame, … */
  type: string;
  /** Shape or value, one line. */
  info: string;
}

const MAX_INFO = 60;

function cut(s: string): string {
  const line = s.replace(/\s+/g, " ");
  return line.length > MAX_INFO ? line.slice(0, MAX_INFO - 1) + "…" : line;
}

/** The shape of nested arrays when every level is rectangular ([3, 4] for 3 rows of 4), else just the length. */
function arrayShape(a: unknown[]): number[] {
  const shape = [a.length];
  let level: unknown[] = a;
  while (level.length > 0 && level.every((x) => Array.isArray(x))) {
    const n = (level[0] as unknown[]).length;
    if (!level.every((x) => (x as unknown[]).length === n)) break;
    shape.push(n);
    level = (level as unknown[][]).flat();
    if (level.length > 1e6) break;
  }
  return shape;
}

function elementType(a: unknown[], depth: number): string {
  let xs: unknown[] = a;
  for (let i = 1; i < depth; i++) xs = (xs as unknown[][]).flat();
  const types = new Set(xs.slice(0, 1000).map((x) => (x === null ? "null" : Array.isArray(x) ? "array" : typeof x === "object" ? "object" : typeof x)));
  const t = types.size === 1 ? [...types][0] : types.size === 0 ? "unknown" : types.size <= 3 ? `(${[...types].join(" | ")})` : "unknown";
  return t + "[]".repeat(depth);
}

const isTensor = (v: any) => Array.isArray(v?.shape) && typeof v?.dtype === "string" && typeof v?.dataSync === "function";
const isArqueroTable = (v: any) => typeof v?.numRows === "function" && typeof v?.numCols === "function";
const isDanfo = (v: any) => Array.isArray(v?.shape) && typeof v?.print === "function" && "values" in v;

export function describe(value: unknown): Description {
  if (value === null) return { kind: "null", type: "null", info: "null" };
  if (Array.isArray(value)) {
    const shape = arrayShape(value);
    return { kind: "array", type: elementType(value, shape.length), info: shape.length > 1 ? `shape [${shape.join(", ")}]` : `length ${value.length}` };
  }
  const t = typeof value;
  if (t === "function") {
    const src = Function.prototype.toString.call(value);
    const fn = value as (...a: unknown[]) => unknown;
    return /^class\b/.test(src)
      ? { kind: "function", type: "class", info: fn.name || "(anonymous)" }
      : { kind: "function", type: "function", info: `${fn.name || "(anonymous)"}(${fn.length} parameter${fn.length === 1 ? "" : "s"})` };
  }
  if (t === "string") return { kind: t, type: t, info: cut(JSON.stringify(value)) };
  if (t !== "object") return { kind: t, type: t, info: cut(String(value)) + (t === "bigint" ? "n" : "") };
  const v = value as any;
  const ctor: string = v.constructor?.name ?? "Object";
  if (isTensor(v)) return { kind: "Tensor", type: "Tensor", info: `shape [${v.shape.join(", ")}] ${v.dtype}` };
  if (isArqueroTable(v)) return { kind: "table", type: ctor, info: `${v.numRows()} rows × ${v.numCols()} columns` };
  if (isDanfo(v)) {
    return v.shape.length === 2 && ctor !== "Series"
      ? { kind: "table", type: ctor, info: `${v.shape[0]} rows × ${v.shape[1]} columns` }
      : { kind: "table", type: ctor, info: `length ${v.shape[0]}` };
  }
  if (ArrayBuffer.isView(value)) return { kind: "array", type: ctor, info: `length ${(value as unknown as { length?: number }).length ?? value.byteLength}` };
  if (value instanceof Map || value instanceof Set) return { kind: "object", type: ctor, info: `size ${value.size}` };
  if (value instanceof Date) return { kind: "object", type: "Date", info: isNaN(value.getTime()) ? "Invalid Date" : value.toISOString() };
  if (typeof v.then === "function") return { kind: "object", type: ctor, info: "await it for its value" };
  const keys = Object.keys(v);
  return { kind: "object", type: ctor, info: cut(`${keys.length} key${keys.length === 1 ? "" : "s"}${keys.length ? ": " + keys.slice(0, 8).join(", ") : ""}`) };
}

/** A plain-text table (IPython's %whos layout). */
export function whosTable(rows: Array<{ name: string } & Description>): string {
  const header = ["Variable", "Type", "Data/Info"];
  const w0 = Math.max(header[0].length, ...rows.map((r) => r.name.length));
  const w1 = Math.max(header[1].length, ...rows.map((r) => r.type.length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(w0)}   ${b.padEnd(w1)}   ${c}`.trimEnd();
  return [line(...(header as [string, string, string])), "-".repeat(w0 + w1 + 6 + 20), ...rows.map((r) => line(r.name, r.type, r.info))].join("\n");
}
