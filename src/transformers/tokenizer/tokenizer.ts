// A tokenizer built from a tokenizer.json file, as Hugging Face tokenizers runs it: added tokens
// split off the raw text first, then per remaining span the normalizer, pre-tokenizer and WordPiece
// model, then truncation and the post-processor's special tokens; padding for batches.
import * as fs from "fs";
import { InvalidInputError, ModelbenchError } from "../../errors";
import { normalizerFrom, type Normalizer } from "./normalizer";
import { postProcessorFrom, type Piece, type PostProcessor } from "./postProcessor";
import { preTokenizerFrom, type PreTokenizer } from "./preTokenizer";
import { type AlignedChar, aligned, type Offsets } from "./text";
import { type Token, WordPiece } from "./wordpiece";

/** A tokenizer.json that cannot be used (missing, not JSON, or a kind modelbench does not read). */
export class TokenizerFileError extends ModelbenchError {}

export interface Encoding {
  ids: number[];
  tokens: string[];
  /** 0 for the first sequence, 1 for the second of a pair (BERT's token_type_ids). */
  typeIds: number[];
  /** 1 for real tokens, 0 for padding. */
  attentionMask: number[];
  /** 1 where the post-processor added a special token ([CLS], [SEP]) or padding. */
  specialTokensMask: number[];
  /** [start, end) of each token in the input, in code points (as Hugging Face's); [0, 0] for special tokens. */
  offsets: Offsets[];
  /** Tokens cut off by maxLength (0 when the text fitted). */
  truncated: number;
}

export interface EncodeOptions {
  /** A second sequence (sentence pairs: [CLS] A [SEP] B [SEP], type ids 0 then 1). */
  pair?: string;
  /** Most tokens, special tokens included; longer input is truncated (longest sequence first for pairs). */
  maxLength?: number;
  addSpecialTokens?: boolean;
}

export interface BatchOptions {
  maxLength?: number;
  /** "longest" pads to the longest in the batch (default), "maxLength" to maxLength, "none" leaves lengths. */
  padding?: "longest" | "maxLength" | "none";
  pairs?: readonly string[];
  addSpecialTokens?: boolean;
}

interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  lstrip: boolean;
  rstrip: boolean;
}

export class PretrainedTokenizer {
  private readonly added: AddedToken[];
  private readonly addedFirstChars: Set<string>;
  readonly padId: number;
  readonly padToken: string;

  constructor(
    readonly normalizer: Normalizer,
    readonly preTokenizer: PreTokenizer,
    readonly model: WordPiece,
    readonly postProcessor: PostProcessor,
    added: AddedToken[],
    pad: { id: number; token: string },
  ) {
    // Longest first, so that matching is leftmost-longest as in Hugging Face's added vocabulary.
    this.added = [...added].sort((a, b) => b.content.length - a.content.length);
    this.addedFirstChars = new Set(this.added.map((t) => Array.from(t.content)[0]));
    this.padId = pad.id;
    this.padToken = pad.token;
  }

  /** Reads a tokenizer.json (the object, or its path). */
  static fromFile(file: string): PretrainedTokenizer {
    let json: Record<string, any>;
    try {
      json = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new TokenizerFileError(`cannot read the tokenizer ${file}: ${(e as Error).message}; a checkpoint folder needs the tokenizer.json that Hugging Face saves with the model`);
    }
    return PretrainedTokenizer.fromJSON(json);
  }

  static fromJSON(json: Record<string, any>): PretrainedTokenizer {
    if (json === null || typeof json !== "object" || !json.model) throw new TokenizerFileError("not a tokenizer.json: it has no \"model\" section");
    const model = WordPiece.fromSpec(json.model);
    const added: AddedToken[] = (json.added_tokens ?? []).map((t: Record<string, any>) => ({
      id: t.id, content: t.content, special: t.special ?? false, lstrip: t.lstrip ?? false, rstrip: t.rstrip ?? false,
    }));
    const ids = new Map<string, number>(model.vocab);
    for (const t of added) ids.set(t.content, t.id);
    const padToken: string = json.padding?.pad_token ?? "[PAD]";
    const padId: number = json.padding?.pad_id ?? ids.get(padToken) ?? 0;
    return new PretrainedTokenizer(normalizerFrom(json.normalizer), preTokenizerFrom(json.pre_tokenizer), model, postProcessorFrom(json.post_processor, ids), added, { id: padId, token: padToken });
  }

  /** Vocabulary size, added tokens included. */
  get vocabSize(): number {
    return Math.max(this.model.size, ...this.added.map((t) => t.id + 1));
  }

  idToToken(id: number): string | undefined {
    return this.added.find((t) => t.id === id)?.content ?? this.model.idToToken(id);
  }

  /** Tokens of one text, before special tokens and truncation. */
  tokenize(text: string): Token[] {
    if (typeof text !== "string") throw new InvalidInputError(`the tokenizer takes text (a string), got ${text === null ? "null" : typeof text}`);
    const chars = aligned(text);
    const out: Token[] = [];
    let from = 0;
    const flush = (to: number) => {
      if (to <= from) return;
      for (const word of this.preTokenizer(this.normalizer(chars.slice(from, to)))) out.push(...this.model.tokenize(word));
    };
    for (let i = 0; i < chars.length; i++) {
      if (!this.addedFirstChars.has(chars[i].c)) continue;
      const hit = this.added.find((t) => matchAt(chars, i, t.content));
      if (!hit) continue;
      let start = i;
      let end = i + Array.from(hit.content).length;
      if (hit.lstrip) while (start > from && /\s/.test(chars[start - 1].c)) start--;
      if (hit.rstrip) while (end < chars.length && /\s/.test(chars[end].c)) end++;
      flush(start);
      out.push({ id: hit.id, token: hit.content, offsets: [chars[start].o, chars[end - 1].o + 1] });
      from = end;
      i = end - 1;
    }
    flush(chars.length);
    return out;
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    const special = options.addSpecialTokens ?? true;
    let a = this.tokenize(text);
    let b = options.pair === undefined ? null : this.tokenize(options.pair);
    let truncated = 0;
    if (options.maxLength !== undefined) {
      if (!Number.isInteger(options.maxLength) || options.maxLength < 1) throw new InvalidInputError(`maxLength must be a whole number ≥ 1, got ${options.maxLength}`);
      const room = options.maxLength - (special ? this.postProcessor.added(b !== null) : 0);
      if (room < 0) throw new InvalidInputError(`maxLength ${options.maxLength} leaves no room: the special tokens alone take ${options.maxLength - room}`);
      const before = a.length + (b?.length ?? 0);
      [a, b] = truncate(a, b, room);
      truncated = before - a.length - (b?.length ?? 0);
    }
    const pieces: Piece[] = special ? this.postProcessor.apply(a, b) : [...a.map((t) => ({ ...t, typeId: 0, special: false })), ...(b ?? []).map((t) => ({ ...t, typeId: 1, special: false }))];
    return {
      ids: pieces.map((p) => p.id),
      tokens: pieces.map((p) => p.token),
      typeIds: pieces.map((p) => p.typeId),
      attentionMask: pieces.map(() => 1),
      specialTokensMask: pieces.map((p) => (p.special ? 1 : 0)),
      offsets: pieces.map((p) => p.offsets),
      truncated,
    };
  }

  /** Several texts, padded to a common length (right side, as BERT expects). */
  encodeBatch(texts: readonly string[], options: BatchOptions = {}): Encoding[] {
    if (!Array.isArray(texts)) throw new InvalidInputError("encodeBatch takes an array of texts");
    if (options.pairs && options.pairs.length !== texts.length) throw new InvalidInputError(`${texts.length} texts but ${options.pairs.length} pairs: give one pair per text`);
    const out = texts.map((t, i) => this.encode(t, { maxLength: options.maxLength, pair: options.pairs?.[i], addSpecialTokens: options.addSpecialTokens }));
    const padding = options.padding ?? "longest";
    if (padding === "none") return out;
    if (padding === "maxLength" && options.maxLength === undefined) throw new InvalidInputError('padding "maxLength" needs maxLength');
    const length = padding === "maxLength" ? options.maxLength! : Math.max(0, ...out.map((e) => e.ids.length));
    return out.map((e) => this.pad(e, length));
  }

  pad(e: Encoding, length: number): Encoding {
    const n = length - e.ids.length;
    if (n <= 0) return e;
    const fill = <T>(v: T) => Array.from({ length: n }, () => v);
    return {
      ids: [...e.ids, ...fill(this.padId)],
      tokens: [...e.tokens, ...fill(this.padToken)],
      typeIds: [...e.typeIds, ...fill(0)],
      attentionMask: [...e.attentionMask, ...fill(0)],
      specialTokensMask: [...e.specialTokensMask, ...fill(1)],
      offsets: [...e.offsets, ...fill<Offsets>([0, 0])],
      truncated: e.truncated,
    };
  }

  /** Text from ids: special tokens dropped, "##" pieces joined (Hugging Face's WordPiece decoder with cleanup). */
  decode(ids: readonly number[]): string {
    const special = new Set(this.added.filter((t) => t.special).map((t) => t.id));
    const words: string[] = [];
    for (const id of ids) {
      if (special.has(id)) continue;
      const t = this.idToToken(id) ?? this.model.unkToken;
      if (t.startsWith(this.model.prefix) && words.length) words[words.length - 1] += t.slice(this.model.prefix.length);
      else words.push(t);
    }
    return words.join(" ").replace(/ ([.?!,])/g, "$1").replace(/ ' /g, "'").replace(/ n't/g, "n't").replace(/ 'm/g, "'m").replace(/ 's/g, "'s").replace(/ 've/g, "'ve").replace(/ 're/g, "'re");
  }
}

function matchAt(chars: readonly AlignedChar[], i: number, content: string): boolean {
  let k = i;
  for (const c of content) {
    if (k >= chars.length || chars[k].c !== c) return false;
    k++;
  }
  return true;
}

/** Hugging Face's "longest first": a pair is cut so that the shorter keeps as much as it can. */
function truncate(a: Token[], b: Token[] | null, room: number): [Token[], Token[] | null] {
  if (!b) return [a.length > room ? a.slice(0, room) : a, null];
  if (a.length + b.length <= room) return [a, b];
  let n1 = a.length;
  let n2 = b.length;
  const swap = n1 > n2;
  if (swap) [n1, n2] = [n2, n1];
  n2 = n1 > room ? n1 : Math.max(n1, room - n1);
  if (n1 + n2 > room) {
    n1 = Math.floor(room / 2);
    n2 = n1 + (room % 2);
  }
  if (swap) [n1, n2] = [n2, n1];
  return [a.slice(0, n1), b.slice(0, n2)];
}
