// Log loss (cross-entropy) of predicted class probabilities, as sklearn.metrics.log_loss computes
// it: probabilities are clipped to [eps, 1 − eps] with float64's eps so a confident mistake costs a
// large but finite amount; rows that do not sum to 1 are used as given, with a warning.
import { InvalidInputError } from "../errors";
import { type Label, compareLabels, uniqueLabels } from "../labels";
import { type LabelVector, checkSameLength, labelVectorClasses } from "./targets";
import { type WarningHook, warn } from "./warnings";

const EPS = 2 ** -52;

export interface LogLossOptions {
  /** The classes of y_proba's columns (sorted); by default the classes found in y_true. */
  labels?: readonly Label[];
  /** false: the summed loss instead of the mean. */
  normalize?: boolean;
  onWarning?: WarningHook;
}

/**
 * y_proba holds one row per sample with a probability per sorted class, or (binary) one number
 * per sample: the probability of the greater class.
 */
export function logLoss(yTrue: LabelVector, yProba: readonly number[] | readonly (readonly number[])[], options: LogLossOptions = {}): number {
  const present = labelVectorClasses(yTrue, "y_true");
  checkSameLength(yProba, yTrue, "y_proba", "y_true");
  const rows: number[][] = yProba.map((r, i) => {
    // A single number is the greater class's probability; the other class gets the rest.
    const row = Array.isArray(r) ? [...(r as number[])] : [1 - (r as number), r as number];
    for (const p of row) {
      if (typeof p !== "number" || Number.isNaN(p)) throw new InvalidInputError(`y_proba[${i}] holds ${p}: probabilities must be numbers in [0, 1]`);
      if (p > 1) throw new InvalidInputError(`y_proba contains values greater than 1 (${p} in row ${i}): pass probabilities, not scores`);
      if (p < 0) throw new InvalidInputError(`y_proba contains values lower than 0 (${p} in row ${i}): pass probabilities, not scores`);
    }
    return row;
  });
  let classes = present;
  if (options.labels !== undefined) {
    classes = uniqueLabels(options.labels, "labels");
    if (options.labels.some((l, i) => compareLabels(l, classes[i]) !== 0)) {
      warn(
        options.onWarning,
        "UserWarning",
        `Labels passed were ${JSON.stringify(options.labels)}. But this function assumes labels are ordered lexicographically. Pass the ordered labels=${JSON.stringify(classes)} and ensure that the columns of y_prob correspond to this ordering.`,
      );
    }
    const known = new Set(classes);
    const stray = [...new Set(yTrue.filter((v) => !known.has(v)))];
    if (stray.length) throw new InvalidInputError(`y_true contains ${JSON.stringify(stray)}, which are not in labels ${JSON.stringify(options.labels)}`);
  }
  if (classes.length < 2) {
    throw new InvalidInputError(
      options.labels === undefined
        ? `y_true contains only one label (${JSON.stringify(classes[0])}): pass labels listing every class y_proba's columns stand for`
        : `labels must contain at least two classes (got ${JSON.stringify(classes)})`,
    );
  }
  const width = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== width) throw new InvalidInputError(`y_proba[${i}] has ${r.length} columns but y_proba[0] has ${width}: every row needs one per class`);
  });
  if (rows.some((r) => Math.abs(r.reduce((a, b) => a + b, 0) - 1) > 1e-8 + Math.sqrt(EPS))) {
    warn(options.onWarning, "UserWarning", "The y_prob values do not sum to one. Make sure to pass probabilities.");
  }
  if (classes.length !== width) {
    throw new InvalidInputError(
      options.labels === undefined
        ? `y_true has ${classes.length} classes but y_proba has ${width} columns: pass labels naming the class of every column (classes found: ${JSON.stringify(classes)})`
        : `labels name ${classes.length} classes but y_proba has ${width} columns`,
    );
  }
  const column = new Map(classes.map((c, i) => [c, i]));
  let total = 0;
  yTrue.forEach((label, i) => {
    const p = Math.min(Math.max(rows[i][column.get(label)!], EPS), 1 - EPS);
    total -= Math.log(p);
  });
  return options.normalize === false ? total : total / yTrue.length;
}
