// Checks the options a user gives a sampler or pruner, so a typo or a bad value is a clear error
// at construction instead of a silent default or a NaN deep inside a search.

export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptionError";
  }
}

/** Rejects keys `what` does not know (a misspelt option would otherwise be ignored). */
export function checkKeys(what: string, opts: object, known: readonly string[]): void {
  if (opts === null || typeof opts !== "object") throw new OptionError(`${what} options must be an object such as { ${known[0]}: … }`);
  const unknown = Object.entries(opts)
    .filter(([k, v]) => v !== undefined && !known.includes(k))
    .map(([k]) => k);
  if (unknown.length) throw new OptionError(`${what} has no option ${unknown.map((k) => `'${k}'`).join(", ")}; its options are ${known.join(", ")}`);
}

/** A whole number ≥ `min`. */
export function wholeNumber(what: string, name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new OptionError(`${what}: ${name} must be a whole number ≥ ${min}, got ${fmt(v)}`);
  return v;
}

/** A finite number within [min, max] (open at `min` when `minOpen`). */
export function realNumber(what: string, name: string, v: unknown, min: number, max = Infinity, minOpen = false): number {
  const ok = typeof v === "number" && Number.isFinite(v) && (minOpen ? v > min : v >= min) && v <= max;
  if (!ok) {
    const range = max === Infinity ? `${minOpen ? ">" : "≥"} ${min}` : `in ${minOpen ? "(" : "["}${min}, ${max}]`;
    throw new OptionError(`${what}: ${name} must be a number ${range}, got ${fmt(v)}`);
  }
  return v as number;
}

export function flag(what: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new OptionError(`${what}: ${name} must be true or false, got ${fmt(v)}`);
  return v;
}

/** A name from a fixed list, or an error listing the list. */
export function oneOf<T extends string>(what: string, name: unknown, valid: readonly T[]): T {
  if (typeof name === "string" && (valid as readonly string[]).includes(name)) return name as T;
  throw new OptionError(`unknown ${what} ${fmt(name)}: use one of ${valid.map((v) => `"${v}"`).join(", ")}`);
}

function fmt(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : typeof v === "function" ? "a function" : String(v);
}
