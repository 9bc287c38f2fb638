// How a classifier's targets were given — one label per sample, label sets ([["drama", "romance"],
// []]) or 0/1 indicator rows — read once into a 0/1 matrix, so predictions come back in the same
// form. The neural classifiers and the boosted trees read multi-label targets through it.
import { InvalidInputError } from "../errors";
import { type Label, labelIndex, uniqueLabels } from "../labels";
import { isIndicator } from "../metrics/targets";
import { encodeLabels } from "./input";

/** How targets were given, so predictions come back in the same form. */
export interface TargetCoding {
  kind: "single" | "sets" | "indicator";
  classes: Label[];
}

/** 1 where row i has class j, as a flat n × k matrix. */
export function targetMatrix(y: readonly unknown[], coding: TargetCoding, what: string): Float32Array {
  const k = coding.classes.length;
  const out = new Float32Array(y.length * k);
  const index = labelIndex(coding.classes);
  y.forEach((row, i) => {
    if (coding.kind === "single") {
      const j = index.get(row as Label);
      if (j === undefined) throw new InvalidInputError(`${what}[${i}] is ${JSON.stringify(row)}, a class not seen in fit (${coding.classes.map((c) => JSON.stringify(c)).join(", ")})`);
      out[i * k + j] = 1;
    } else if (!Array.isArray(row)) {
      throw new InvalidInputError(`${what}[${i}] is ${JSON.stringify(row)}: this model was fitted on multi-label targets, so every sample needs a label set (array)`);
    } else if (coding.kind === "indicator") {
      if (row.length !== k) throw new InvalidInputError(`${what}[${i}] has ${row.length} indicator columns; the model has ${k}`);
      row.forEach((v, j) => (out[i * k + j] = v === 1 ? 1 : 0));
    } else {
      for (const l of row) {
        const j = index.get(l);
        if (j !== undefined) out[i * k + j] = 1;
      }
    }
  });
  return out;
}

/** How y gives the targets, checked: label sets, 0/1 indicator rows (equal width), or one class per sample (at least two classes). */
export function codingOf(y: readonly unknown[], n: number, model: string): TargetCoding {
  if (!Array.isArray(y)) throw new InvalidInputError("y must be an array: one label (or one label set) per sample");
  if (y.length !== n) throw new InvalidInputError(`X has ${n} samples but y has ${y.length}: they must describe the same samples`);
  if (n > 0 && Array.isArray(y[0])) {
    const sets = y as readonly (readonly Label[])[];
    sets.forEach((row, i) => {
      if (!Array.isArray(row)) throw new InvalidInputError(`y[${i}] is ${JSON.stringify(row)} but y[0] is a label set: give every sample a label set (array), [] for none`);
    });
    const indicator = isIndicator(sets);
    const classes = indicator ? Array.from({ length: sets[0].length }, (_, j) => j) : uniqueLabels(sets.flat(), "y's label sets");
    if (classes.length === 0) throw new InvalidInputError("every label set in y is empty: there is no label to learn");
    return { kind: indicator ? "indicator" : "sets", classes };
  }
  return { kind: "single", classes: encodeLabels(y as Label[], n, { model, minClasses: 2 }).classes };
}

/** Predictions in the form the targets were given: the most probable class, or each label of probability ≥ 0.5. */
export function labelsFromProba(proba: number[][], coding: TargetCoding): Label[] | Label[][] {
  if (coding.kind === "single") return proba.map((row) => coding.classes[row.indexOf(Math.max(...row))]);
  return labelRows(proba.length, coding, (i, j) => proba[i][j] >= 0.5);
}

/** Multi-label predictions in the form the targets were given: a label set, or a 0/1 row, per sample. */
export function labelRows(n: number, coding: TargetCoding, present: (i: number, j: number) => boolean): Label[][] {
  if (coding.kind === "indicator") return Array.from({ length: n }, (_, i) => coding.classes.map((_, j) => (present(i, j) ? 1 : 0)));
  return Array.from({ length: n }, (_, i) => coding.classes.filter((_, j) => present(i, j)));
}
