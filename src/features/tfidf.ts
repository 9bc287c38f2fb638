// TF-IDF features from raw text with scikit-learn's TfidfVectorizer formulas, so a vocabulary and
// matrix built here line up column for column with one built in Python:
//   tokens  = runs of ≥ 2 word characters (the pattern \b\w\w+\b), after lowercasing
//   idf(t)  = ln((1 + n) / (1 + df(t))) + 1   (smoothIdf; without it ln(n / df(t)) + 1)
//   tf      = raw count, or 1 + ln(count) with sublinearTf
//   rows    = tf·idf, scaled to unit l2 (or l1) norm.
import { InvalidInputError, NotFittedError, checkOption } from "../errors";
import { compareStrings } from "../labels";
import type { Transformer } from "../models/estimator";
import { CsrBuilder, CsrMatrix } from "./sparse";
import { ENGLISH_STOP_WORDS } from "./stopWords";

/**
 * A document-frequency bound. A whole number is a count of documents, a fraction in (0, 1) a
 * proportion of them. 1 means one document; write { proportion: 1 } for "all documents".
 */
export type DocFrequency = number | { count: number } | { proportion: number };

export interface TfidfParams {
  lowercase: boolean;
  /** Smallest and largest n of the word n-grams to use, e.g. [1, 2] for words and word pairs. */
  ngramRange: readonly [number, number];
  /** "english" (scikit-learn's list), your own list, or null to keep every word. */
  stopWords: "english" | readonly string[] | null;
  /** Drop terms in fewer documents than this. */
  minDf: DocFrequency;
  /** Drop terms in more documents than this (corpus-specific stop words). */
  maxDf: DocFrequency;
  /** Keep only the most frequent terms across the corpus (ties go to the alphabetically first). */
  maxFeatures: number | null;
  norm: "l2" | "l1" | null;
  useIdf: boolean;
  smoothIdf: boolean;
  sublinearTf: boolean;
}

const DEFAULTS: TfidfParams = {
  lowercase: true,
  ngramRange: [1, 1],
  stopWords: null,
  minDf: 1,
  maxDf: { proportion: 1 },
  maxFeatures: null,
  norm: "l2",
  useIdf: true,
  smoothIdf: true,
  sublinearTf: false,
};

// Python's \w is Unicode letters, digits and numerics plus "_"; a maximal run of ≥ 2 of them is
// exactly what \b\w\w+\b matches. (JavaScript's \b is ASCII-only, hence the explicit classes.)
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** The words of a text as TF-IDF (and the neural tokenizer) split them: runs of ≥ 2 word characters. */
export function splitWords(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function documentBound(value: DocFrequency, nDocs: number, name: string): number {
  if (typeof value === "number") {
    if (!(value >= 0)) throw new InvalidInputError(`${name} must be ≥ 0 (got ${value})`);
    if (Number.isInteger(value)) return value;
    if (value > 1) throw new InvalidInputError(`${name} ${value} is neither a whole count nor a proportion in [0, 1]`);
    return value * nDocs;
  }
  if ("count" in value) {
    if (!Number.isInteger(value.count) || value.count < 0) throw new InvalidInputError(`${name}.count must be a whole number ≥ 0`);
    return value.count;
  }
  if (!(value.proportion >= 0 && value.proportion <= 1)) throw new InvalidInputError(`${name}.proportion must be in [0, 1]`);
  return value.proportion * nDocs;
}

function checkDocuments(docs: readonly string[]): void {
  if (typeof docs === "string") {
    throw new InvalidInputError("expected an array of documents, got a single string: wrap it as [text]");
  }
  if (!Array.isArray(docs)) throw new InvalidInputError("expected an array of documents (strings)");
  docs.forEach((d, i) => {
    if (typeof d !== "string") throw new InvalidInputError(`document ${i} is ${d === null ? "null" : typeof d}, not a string: fill missing text with "" first`);
  });
}

interface Fitted {
  vocabulary: Map<string, number>;
  featureNames: string[];
  idf: Float64Array | null;
}

export class TfidfVectorizer implements Transformer<readonly string[], CsrMatrix, TfidfParams> {
  private readonly p: TfidfParams;
  private readonly stop: ReadonlySet<string> | null;
  private fitted: Fitted | undefined;

  constructor(params: Partial<TfidfParams> = {}) {
    this.p = { ...DEFAULTS, ...params };
    const [lo, hi] = this.p.ngramRange;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
      throw new InvalidInputError(`ngramRange must be [min, max] with 1 ≤ min ≤ max (got ${JSON.stringify(this.p.ngramRange)})`);
    }
    checkOption("norm", this.p.norm, ["l2", "l1", null]);
    if (typeof this.p.stopWords === "string") checkOption("stopWords", this.p.stopWords, ["english"]);
    this.stop = this.p.stopWords === "english" ? ENGLISH_STOP_WORDS : this.p.stopWords ? new Set(this.p.stopWords) : null;
    if (this.p.maxFeatures !== null && !(Number.isInteger(this.p.maxFeatures) && this.p.maxFeatures > 0)) {
      throw new InvalidInputError(`maxFeatures must be a whole number > 0 or null (got ${this.p.maxFeatures})`);
    }
  }

  params(): TfidfParams {
    return { ...this.p };
  }

  /** Its settings and what fit learned (vocabulary in column order, idf), as plain JSON. */
  toJSON(): { params: TfidfParams; featureNames: string[] | null; idf: number[] | null } {
    return { params: this.params(), featureNames: this.fitted ? [...this.fitted.featureNames] : null, idf: this.fitted?.idf ? Array.from(this.fitted.idf) : null };
  }

  /** Revives what toJSON wrote: transform gives the same matrix as the vectorizer that wrote it. */
  static fromJSON(json: ReturnType<TfidfVectorizer["toJSON"]>): TfidfVectorizer {
    if (!json || typeof json !== "object" || typeof json.params !== "object") throw new InvalidInputError("not a saved TfidfVectorizer: pass what its toJSON() returned");
    const v = new TfidfVectorizer(json.params);
    if (json.featureNames) {
      v.fitted = { vocabulary: new Map(json.featureNames.map((t, i) => [t, i])), featureNames: [...json.featureNames], idf: json.idf ? Float64Array.from(json.idf) : null };
    }
    return v;
  }

  private get state(): Fitted {
    if (!this.fitted) throw new NotFittedError("TfidfVectorizer");
    return this.fitted;
  }

  /** Term → column. */
  get vocabulary(): ReadonlyMap<string, number> {
    return this.state.vocabulary;
  }

  /** Inverse document frequency per column; null when useIdf is false. */
  get idf(): Float64Array | null {
    return this.state.idf;
  }

  getFeatureNamesOut(): string[] {
    return [...this.state.featureNames];
  }

  /** The terms of one document, in order: word n-grams after lowercasing and stop-word removal. */
  analyze(doc: string): string[] {
    const text = this.p.lowercase ? doc.toLowerCase() : doc;
    let words: string[] = splitWords(text);
    const stop = this.stop;
    if (stop) words = words.filter((w) => !stop.has(w));
    const [lo, hi] = this.p.ngramRange;
    if (hi === 1) return words;
    const terms: string[] = lo === 1 ? [...words] : [];
    for (let n = Math.max(lo, 2); n <= Math.min(hi, words.length); n++) {
      for (let i = 0; i + n <= words.length; i++) terms.push(words.slice(i, i + n).join(" "));
    }
    return terms;
  }

  fit(docs: readonly string[]): this {
    this.fitTransform(docs);
    return this;
  }

  fitTransform(docs: readonly string[]): CsrMatrix {
    checkDocuments(docs);
    if (docs.length === 0) throw new InvalidInputError("no documents to fit: pass at least one");
    // Count terms per document against a growing vocabulary; columns are renumbered once sorted.
    const seen = new Map<string, number>();
    const rows = docs.map((d) => {
      const counts = new Map<number, number>();
      for (const term of this.analyze(d)) {
        let id = seen.get(term);
        if (id === undefined) seen.set(term, (id = seen.size));
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    });
    if (seen.size === 0) {
      throw new InvalidInputError("empty vocabulary: the documents contain no terms (only stop words, or no runs of 2+ letters/digits)");
    }
    const terms = [...seen.keys()];
    const df = new Float64Array(terms.length);
    const total = new Float64Array(terms.length);
    for (const counts of rows) for (const [id, c] of counts) (df[id] += 1), (total[id] += c);

    const nDocs = docs.length;
    const high = documentBound(this.p.maxDf, nDocs, "maxDf");
    const low = documentBound(this.p.minDf, nDocs, "minDf");
    if (high < low) throw new InvalidInputError("maxDf corresponds to fewer documents than minDf: raise maxDf or lower minDf");
    let kept = terms.map((_, id) => id).filter((id) => df[id] <= high && df[id] >= low);
    if (this.p.maxFeatures !== null && kept.length > this.p.maxFeatures) {
      kept = kept
        .sort((a, b) => total[b] - total[a] || compareStrings(terms[a], terms[b]))
        .slice(0, this.p.maxFeatures);
    }
    if (kept.length === 0) throw new InvalidInputError("after pruning, no terms remain: try a lower minDf or a higher maxDf");
    kept.sort((a, b) => compareStrings(terms[a], terms[b]));
    const column = new Int32Array(terms.length).fill(-1);
    kept.forEach((id, col) => (column[id] = col));

    const featureNames = kept.map((id) => terms[id]);
    let idf: Float64Array | null = null;
    if (this.p.useIdf) {
      const smooth = this.p.smoothIdf ? 1 : 0;
      idf = Float64Array.from(kept, (id) => Math.log((nDocs + smooth) / (df[id] + smooth)) + 1);
    }
    this.fitted = { vocabulary: new Map(featureNames.map((t, i) => [t, i])), featureNames, idf };
    return this.weigh(rows.map((counts) => [...counts].flatMap(([id, c]) => (column[id] >= 0 ? [[column[id], c] as [number, number]] : []))));
  }

  transform(docs: readonly string[]): CsrMatrix {
    const { vocabulary } = this.state;
    checkDocuments(docs);
    return this.weigh(
      docs.map((d) => {
        const counts = new Map<number, number>();
        for (const term of this.analyze(d)) {
          const col = vocabulary.get(term);
          if (col !== undefined) counts.set(col, (counts.get(col) ?? 0) + 1);
        }
        return [...counts];
      }),
    );
  }

  /** Raw (column, count) pairs per document → tf-idf rows, normalised. */
  private weigh(rows: [number, number][][]): CsrMatrix {
    const { idf, featureNames } = this.state;
    const builder = new CsrBuilder(featureNames.length);
    for (const pairs of rows) {
      pairs.sort((a, b) => a[0] - b[0]);
      const cols = pairs.map((p) => p[0]);
      const values = pairs.map(([col, count]) => {
        const tf = this.p.sublinearTf ? Math.log(count) + 1 : count;
        return idf ? tf * idf[col] : tf;
      });
      if (this.p.norm) {
        let norm = 0;
        for (const v of values) norm += this.p.norm === "l2" ? v * v : Math.abs(v);
        if (this.p.norm === "l2") norm = Math.sqrt(norm);
        // An empty document stays a zero row rather than becoming NaN.
        if (norm > 0) for (let k = 0; k < values.length; k++) values[k] /= norm;
      }
      builder.addRow(cols, values);
    }
    return builder.build();
  }
}
