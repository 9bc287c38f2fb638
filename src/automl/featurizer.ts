// What AutoML does to a table's columns before a model sees them: numeric columns get missing
// values replaced by the training median (and are standardised for the models that need it),
// categorical columns are one-hot encoded (categories unseen in fit ignored, the rarest beyond 50
// grouped), and one text column becomes TF-IDF features. The result is dense rows, or a CSR matrix
// when there is text. Fitted on training rows only, saved with the model as JSON.
import { InvalidInputError } from "../errors";
import { CsrBuilder, CsrMatrix } from "../features/sparse";
import { TfidfVectorizer } from "../features/tfidf";
import type { Features } from "../models/input";

/** Column-wise access to whatever table the user has: arquero, danfo, or an array of row objects. */
export interface ColumnSource {
  names: string[];
  n: number;
  get(name: string): unknown[];
}

/**
 * Column-wise access to `data`, each column read once: the search reads the same columns for every
 * fold and trial, and an arquero table or array of rows would build a new array each time.
 */
export function columnSource(data: unknown): ColumnSource {
  const source = readColumns(data);
  const cache = new Map<string, unknown[]>();
  return {
    names: source.names,
    n: source.n,
    get: (name) => {
      let col = cache.get(name);
      if (!col) cache.set(name, (col = source.get(name)));
      return col;
    },
  };
}

function readColumns(data: unknown): ColumnSource {
  if (Array.isArray(data)) {
    if (!data.length) throw new InvalidInputError("the data has no rows");
    if (typeof data[0] !== "object" || data[0] === null || Array.isArray(data[0])) throw new InvalidInputError("automl takes a table (arquero, danfo) or an array of row objects, e.g. [{ text: \"…\", genre: \"news\" }]");
    const names = Object.keys(data[0]);
    return { names, n: data.length, get: (name) => data.map((r) => (r as Record<string, unknown>)[name]) };
  }
  const t = data as any;
  if (t && typeof t.columnNames === "function" && typeof t.array === "function") {
    return { names: t.columnNames(), n: t.numRows(), get: (name) => Array.from(t.array(name) as ArrayLike<unknown>) };
  }
  if (t && Array.isArray(t.columns) && typeof t.column === "function") {
    return { names: [...t.columns], n: t.shape[0], get: (name) => [...t.column(name).values] };
  }
  throw new InvalidInputError("automl takes a table (arquero, danfo) or an array of row objects");
}

export type ColumnKind = "numeric" | "categorical" | "text";

export interface FeaturizerSettings {
  numeric: string[];
  categorical: string[];
  text: string | null;
  /** Standardise numeric columns (linear models, networks); trees and naive Bayes take them as they are. */
  scale: boolean;
  tfidf: { maxFeatures: number | null; sublinearTf: boolean; ngrams: 1 | 2; minDf: number };
}

interface Fitted {
  medians: number[];
  means: number[];
  stds: number[];
  categories: string[][];
  tfidf: ReturnType<TfidfVectorizer["toJSON"]> | null;
}

const MAX_CATEGORIES = 50;
/** A missing value in a table: null, undefined, NaN or the empty string. */
export const isMissing = (v: unknown) => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) || v === "";

export class Featurizer {
  private fitted: Fitted | null = null;
  private vectorizer: TfidfVectorizer | null = null;

  constructor(readonly settings: FeaturizerSettings) {}

  /** Learns medians, scales, categories and the vocabulary from the training rows. */
  fit(cols: ColumnSource, rows?: readonly number[]): this {
    const take = (name: string) => {
      const all = cols.get(name);
      return rows ? rows.map((i) => all[i]) : all;
    };
    const medians: number[] = [], means: number[] = [], stds: number[] = [];
    for (const name of this.settings.numeric) {
      const v = take(name).filter((x) => !isMissing(x)).map(Number).filter(Number.isFinite).sort((a, b) => a - b);
      const median = v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : 0;
      const filled = take(name).map((x) => (isMissing(x) || !Number.isFinite(Number(x)) ? median : Number(x)));
      const mean = filled.reduce((a, b) => a + b, 0) / Math.max(1, filled.length);
      const sd = Math.sqrt(filled.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, filled.length));
      medians.push(median);
      means.push(mean);
      stds.push(sd > 0 ? sd : 1);
    }
    const categories = this.settings.categorical.map((name) => {
      const counts = new Map<string, number>();
      for (const v of take(name)) if (!isMissing(v)) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_CATEGORIES).map(([k]) => k).sort();
    });
    let tfidf: Fitted["tfidf"] = null;
    this.vectorizer = null;
    if (this.settings.text) {
      const t = this.settings.tfidf;
      const docs = take(this.settings.text).map((d) => (isMissing(d) ? "" : String(d)));
      const minDf = Math.min(t.minDf, Math.max(1, Math.floor(docs.length / 2)));
      this.vectorizer = new TfidfVectorizer({ stopWords: "english", maxFeatures: t.maxFeatures, sublinearTf: t.sublinearTf, ngramRange: [1, t.ngrams], minDf }).fit(docs);
      tfidf = this.vectorizer.toJSON();
    }
    this.fitted = { medians, means, stds, categories, tfidf };
    return this;
  }

  /** How many features transform gives. */
  get width(): number {
    const f = this.state;
    return f.medians.length + f.categories.reduce((a, c) => a + c.length, 0) + (f.tfidf?.featureNames?.length ?? 0);
  }

  private get state(): Fitted {
    if (!this.fitted) throw new InvalidInputError("this featurizer is not fitted: fit it on the training rows first");
    return this.fitted;
  }

  /** The features of the rows (all rows when not given), in the fitted layout. */
  transform(cols: ColumnSource, rows?: readonly number[]): Features {
    const f = this.state;
    const missing = [...this.settings.numeric, ...this.settings.categorical, ...(this.settings.text ? [this.settings.text] : [])].filter((c) => !cols.names.includes(c));
    if (missing.length) throw new InvalidInputError(`the data has no column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `'${c}'`).join(", ")}, which the model was trained on: pass a table with the same columns`);
    const take = (name: string) => {
      const all = cols.get(name);
      return rows ? rows.map((i) => all[i]) : all;
    };
    const n = rows ? rows.length : cols.n;
    const numeric = this.settings.numeric.map((name, j) => take(name).map((x) => {
      const v = isMissing(x) || !Number.isFinite(Number(x)) ? f.medians[j] : Number(x);
      return this.settings.scale ? (v - f.means[j]) / f.stds[j] : v;
    }));
    const categorical = this.settings.categorical.map((name, j) => {
      const index = new Map(f.categories[j].map((c, k) => [c, k]));
      return take(name).map((v) => (isMissing(v) ? -1 : index.get(String(v)) ?? -1));
    });
    const dense = numeric.length + f.categories.reduce((a, c) => a + c.length, 0);
    if (!this.settings.text) {
      const out: number[][] = [];
      for (let i = 0; i < n; i++) {
        const row = new Array<number>(dense).fill(0);
        for (let j = 0; j < numeric.length; j++) row[j] = numeric[j][i];
        let offset = numeric.length;
        for (let j = 0; j < categorical.length; j++) {
          if (categorical[j][i] >= 0) row[offset + categorical[j][i]] = 1;
          offset += f.categories[j].length;
        }
        out.push(row);
      }
      return out;
    }
    this.vectorizer ??= TfidfVectorizer.fromJSON(f.tfidf!);
    const docs = take(this.settings.text).map((d) => (isMissing(d) ? "" : String(d)));
    const text = this.vectorizer.transform(docs);
    if (dense === 0) return text;
    // The dense columns first, then the text's: one CSR row per sample.
    const b = new CsrBuilder(dense + text.nCols);
    for (let i = 0; i < n; i++) {
      const idx: number[] = [], val: number[] = [];
      for (let j = 0; j < numeric.length; j++) if (numeric[j][i] !== 0) (idx.push(j), val.push(numeric[j][i]));
      let offset = numeric.length;
      for (let j = 0; j < categorical.length; j++) {
        if (categorical[j][i] >= 0) (idx.push(offset + categorical[j][i]), val.push(1));
        offset += f.categories[j].length;
      }
      for (let k = text.indptr[i]; k < text.indptr[i + 1]; k++) (idx.push(dense + text.indices[k]), val.push(text.data[k]));
      b.addRow(idx, val);
    }
    return b.build();
  }

  toJSON(): { settings: FeaturizerSettings; fitted: Fitted | null } {
    return { settings: this.settings, fitted: this.fitted };
  }

  static fromJSON(json: ReturnType<Featurizer["toJSON"]>): Featurizer {
    const f = new Featurizer(json.settings);
    f.fitted = json.fitted;
    return f;
  }
}

export { CsrMatrix };
