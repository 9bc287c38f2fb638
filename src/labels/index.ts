// Class labels: the single ordering every part of modelbench sorts labels, categories and
// vocabulary by, so that columns line up with scikit-learn's (numbers ascending, strings by
// Unicode code point as Python compares them).
import { InvalidInputError } from "../errors";

export type Label = string | number;

/** UTF-16 code unit order differs from code point order only for surrogates vs U+E000..U+FFFF; this remaps so `<` agrees with Python. */
function codePointKey(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Compares strings the way Python's `sorted` does (by code point). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointKey(x) - codePointKey(y);
  }
  return a.length - b.length;
}

export function compareLabels(a: Label, b: Label): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return compareStrings(String(a), String(b));
}

/** Throws unless every label is a finite number or every label is a string. */
export function checkLabelKinds(values: Iterable<Label>, what: string): void {
  let kind: string | undefined;
  let i = 0;
  for (const v of values) {
    const k = typeof v;
    if (k !== "string" && k !== "number") {
      throw new InvalidInputError(`${what} holds ${JSON.stringify(v)} (${k}) at index ${i}: labels must be strings or numbers`);
    }
    if (k === "number" && !Number.isFinite(v as number)) {
      throw new InvalidInputError(`${what} holds ${v} at index ${i}: numeric labels must be finite (drop or fill missing labels first)`);
    }
    i++;
    if (kind === undefined) kind = k;
    else if (kind !== k) {
      throw new InvalidInputError(`${what} mixes string and number labels: convert them all to one type (e.g. String(label))`);
    }
  }
}

/** The distinct labels in sorted order. */
export function uniqueLabels<L extends Label>(values: Iterable<L>, what = "labels"): L[] {
  checkLabelKinds(values, what);
  return [...new Set(values)].sort(compareLabels);
}

/** Map from label to its position, for encoding targets as indices. */
export function labelIndex<L extends Label>(labels: readonly L[]): Map<L, number> {
  return new Map(labels.map((l, i) => [l, i]));
}
