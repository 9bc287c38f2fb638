// Text to token ids for the text classifier: lowercase words (split as TF-IDF splits them), a
// vocabulary of the words seen at least `minCount` times (the `maxVocab` most frequent), id 0 for
// padding and 1 for unknown words, and every document padded or cut to `maxLength` ids.
import { InvalidInputError } from "../errors";
import { checkNumber } from "../models/input";
import { compareStrings } from "../labels";
import { splitWords } from "../features/tfidf";

export interface TokenizerParams {
  lowercase: boolean;
  /** Words seen fewer times than this in fit are unknown. */
  minCount: number;
  /** Keep at most this many words (the most frequent; ties alphabetical); null keeps all. */
  maxVocab: number | null;
  /** Ids per document: longer documents are cut, shorter ones padded with 0. */
  maxLength: number;
  /** Where a long document is cut: keep its start ("post" cut) or its end ("pre"). */
  truncating: "pre" | "post";
}

export const PAD = 0;
export const UNKNOWN = 1;

const DEFAULTS: TokenizerParams = { lowercase: true, minCount: 1, maxVocab: null, maxLength: 200, truncating: "post" };

export class Tokenizer {
  private readonly p: TokenizerParams;
  private vocab: Map<string, number> | undefined;

  constructor(params: Partial<TokenizerParams> = {}) {
    this.p = { ...DEFAULTS, ...params };
    checkNumber("minCount", this.p.minCount, { min: 1, integer: true });
    checkNumber("maxVocab", this.p.maxVocab, { min: 1, integer: true, nullable: true });
    checkNumber("maxLength", this.p.maxLength, { min: 1, integer: true });
  }

  params(): TokenizerParams {
    return { ...this.p };
  }

  tokens(text: string): string[] {
    return splitWords(this.p.lowercase ? text.toLowerCase() : text);
  }

  fit(texts: readonly string[]): this {
    checkTexts(texts);
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of this.tokens(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
    let kept = [...counts].filter(([, c]) => c >= this.p.minCount);
    kept.sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
    if (this.p.maxVocab !== null) kept = kept.slice(0, this.p.maxVocab);
    if (kept.length === 0) throw new InvalidInputError(`no word occurs ${this.p.minCount} or more times in these texts: lower minCount or give more text`);
    this.vocab = new Map(kept.map(([w], i) => [w, i + 2]));
    return this;
  }

  /** Ids 2 … vocabularySize−1 are words; 0 is padding, 1 unknown. */
  get vocabularySize(): number {
    return this.words.length + 2;
  }

  /** The vocabulary, most frequent first (word i has id i + 2). */
  get words(): string[] {
    if (!this.vocab) throw new InvalidInputError("this Tokenizer has no vocabulary yet: call fit(texts) first");
    return [...this.vocab.keys()];
  }

  /** One row of exactly maxLength ids per text. */
  transform(texts: readonly string[]): Int32Array[] {
    checkTexts(texts);
    const vocab = this.vocab;
    if (!vocab) throw new InvalidInputError("this Tokenizer has no vocabulary yet: call fit(texts) first");
    const L = this.p.maxLength;
    return texts.map((t) => {
      let ids = this.tokens(t).map((w) => vocab.get(w) ?? UNKNOWN);
      if (ids.length > L) ids = this.p.truncating === "post" ? ids.slice(0, L) : ids.slice(ids.length - L);
      const row = new Int32Array(L);
      row.set(ids);
      return row;
    });
  }

  fitTransform(texts: readonly string[]): Int32Array[] {
    return this.fit(texts).transform(texts);
  }

  toJSON(): { params: TokenizerParams; words: string[] | null } {
    return { params: this.params(), words: this.vocab ? this.words : null };
  }

  static fromJSON(json: { params: TokenizerParams; words: string[] | null }): Tokenizer {
    const t = new Tokenizer(json.params);
    if (json.words) t.vocab = new Map(json.words.map((w, i) => [w, i + 2]));
    return t;
  }
}

function checkTexts(texts: readonly string[]): void {
  if (!Array.isArray(texts)) throw new InvalidInputError("texts must be an array of strings");
  texts.forEach((t, i) => {
    if (typeof t !== "string") throw new InvalidInputError(`texts[${i}] is ${typeof t}: give one string per document (fill missing text with "")`);
  });
}
