// Multi-label classification by one binary model per label ("does this sample have label j?"),
// e.g. the genres of a film from its plot. Targets are label sets ([["drama", "romance"], []])
// or 0/1 indicator rows, read the same way the multi-label metrics read them, and predictions
// come back in the same form so they go straight into f1(yTrue, yPred, { average: "micro" }).
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME, type MimeBundle } from "../display";
import { type Label, uniqueLabels } from "../labels";
import { isIndicator } from "../metrics/targets";
import type { Estimator } from "./estimator";
import { type Features, countRows } from "./input";
import { type SerializedModel, modelFromJSON, readSerialized, registerModel, serializeModel } from "./serialize";
import { autologFit } from "./autolog";
import { modelBundle } from "./summary";

/** What a per-label model must offer: a classifier over labels 0 and 1 that saves itself. */
export interface BinaryClassifier<X> {
  fit(X: X, y: readonly Label[]): unknown;
  predict(X: X): Label[];
  predictProba(X: X): number[][];
  readonly classes: readonly Label[];
  toJSON(): SerializedModel;
}

export interface OneVsRestParams {
  /** The per-label model's kind and settings (an unfitted model's toJSON()). */
  estimator: SerializedModel;
}

/** A label either has a model, or was always (or never) present in training and is predicted as such. */
type PerLabel<X> = { model: BinaryClassifier<X> } | { constant: 0 | 1 };

interface OvrState<X> {
  labels: Label[];
  indicator: boolean;
  perLabel: PerLabel<X>[];
}

export class OneVsRestClassifier<X = Features> implements Estimator<X, readonly (readonly Label[])[], OneVsRestParams> {
  private readonly template: SerializedModel;
  private fitted: OvrState<X> | undefined;

  /** `estimator` is the model to copy for each label, e.g. new LogisticRegression({ C: 10 }). */
  constructor(estimator: BinaryClassifier<X> | SerializedModel) {
    const json = typeof (estimator as BinaryClassifier<X>).toJSON === "function" ? (estimator as BinaryClassifier<X>).toJSON() : (estimator as SerializedModel);
    // Keep only the settings: a fitted template's learned state is not what the copies start from.
    this.template = { ...json, state: null };
    this.fresh();
  }

  /** A new unfitted copy of the template (modelFromJSON also checks the template is a known model). */
  private fresh(): BinaryClassifier<X> {
    const model = modelFromJSON(this.template) as BinaryClassifier<X>;
    if (typeof model.predictProba !== "function") throw new InvalidInputError(`${this.template.model} has no predictProba, which OneVsRestClassifier needs`);
    return model;
  }

  params(): OneVsRestParams {
    return { estimator: this.template };
  }

  private get state(): OvrState<X> {
    if (!this.fitted) throw new NotFittedError("OneVsRestClassifier");
    return this.fitted;
  }

  /** The labels, in column order of predictProba (0 … width−1 for indicator rows). */
  get classes(): readonly Label[] {
    return this.state.labels;
  }

  /** The fitted per-label models (null for a label that was constant in training). */
  get estimators(): (BinaryClassifier<X> | null)[] {
    return this.state.perLabel.map((p) => ("model" in p ? p.model : null));
  }

  /** Fits a copy of the estimator per label; autolog logs this fit once, the copies' settings as estimator.* params. */
  fit(X: X, y: readonly (readonly Label[])[]): this {
    return autologFit(this, () => this.fitOnce(X, y));
  }

  private fitOnce(X: X, y: readonly (readonly Label[])[]): this {
    const n = countRows(X as Features);
    if (!Array.isArray(y)) throw new InvalidInputError("y must be an array with one label set (array of labels) per sample");
    if (y.length !== n) throw new InvalidInputError(`X has ${n} samples but y has ${y.length}: they must describe the same samples`);
    if (n === 0) throw new InvalidInputError("y is empty: give at least one sample");
    y.forEach((row, i) => {
      if (!Array.isArray(row)) throw new InvalidInputError(`y[${i}] is ${JSON.stringify(row)}: OneVsRestClassifier takes a label set (array) per sample; for one label per sample fit the model itself`);
    });
    const indicator = isIndicator(y);
    const labels = indicator ? Array.from({ length: y[0].length }, (_, j) => j) : uniqueLabels(y.flat(), "y's label sets");
    if (labels.length === 0) throw new InvalidInputError("every label set in y is empty: there is no label to learn");
    const has = (row: readonly Label[], j: number) => (indicator ? row[j] === 1 : row.includes(labels[j]));
    const perLabel = labels.map((_, j): PerLabel<X> => {
      const target = y.map((row) => (has(row, j) ? 1 : 0));
      const positives = target.reduce<number>((a, b) => a + b, 0);
      if (positives === 0 || positives === n) return { constant: positives === 0 ? 0 : 1 };
      const model = this.fresh();
      model.fit(X, target);
      return { model };
    });
    this.fitted = { labels, indicator, perLabel };
    return this;
  }

  /** Probability of each label per sample (columns in `classes` order); rows need not sum to 1. */
  predictProba(X: X): number[][] {
    const n = countRows(X as Features);
    const columns = this.state.perLabel.map((p) => ("model" in p ? p.model.predictProba(X).map((r) => r[p.model.classes.indexOf(1)]) : new Array<number>(n).fill(p.constant)));
    return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
  }

  /** Label sets (or 0/1 rows, if fitted on indicator rows): each label whose model predicts it present. */
  predict(X: X): Label[][] {
    const { labels, indicator, perLabel } = this.state;
    const n = countRows(X as Features);
    const present = perLabel.map((p) => ("model" in p ? p.model.predict(X).map((v) => v === 1) : new Array<boolean>(n).fill(p.constant === 1)));
    return Array.from({ length: n }, (_, i) => (indicator ? present.map((c) => (c[i] ? 1 : 0)) : labels.filter((_, j) => present[j][i])));
  }

  toJSON(): SerializedModel<OneVsRestParams> {
    const s = this.fitted;
    return serializeModel(
      "OneVsRestClassifier",
      this.params(),
      s && { labels: s.labels, indicator: s.indicator, perLabel: s.perLabel.map((p) => ("model" in p ? { model: p.model.toJSON() } : p)) },
    );
  }

  static fromJSON<X = Features>(json: unknown): OneVsRestClassifier<X> {
    const saved = readSerialized<OneVsRestParams, any>(json, "OneVsRestClassifier");
    const model = new OneVsRestClassifier<X>(saved.params.estimator);
    const s = saved.state;
    if (s) {
      model.fitted = {
        labels: s.labels,
        indicator: s.indicator,
        perLabel: s.perLabel.map((p: any) => ("model" in p ? { model: modelFromJSON(p.model) as BinaryClassifier<X> } : p)),
      };
    }
    return model;
  }

  [MIME](): MimeBundle {
    const s = this.fitted;
    return modelBundle(`OneVsRestClassifier<${this.template.model}>`, this.template.params as object, s ? `fitted: ${s.labels.length} labels` : null);
  }
}

registerModel("OneVsRestClassifier", (json) => OneVsRestClassifier.fromJSON(json));
