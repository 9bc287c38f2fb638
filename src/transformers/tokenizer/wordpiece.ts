// The model stage: WordPiece, greedy longest-match-first within each word, continuations marked
// with "##"; a word longer than max_input_chars_per_word, or with a piece not in the vocabulary,
// becomes one [UNK] (as Hugging Face tokenizers does).
import { InvalidInputError } from "../../errors";
import { type Offsets, type Word } from "./text";

export interface Token {
  id: number;
  token: string;
  offsets: Offsets;
}

export class WordPiece {
  readonly unkId: number;
  private readonly byId: string[];

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly unkToken = "[UNK]",
    readonly prefix = "##",
    readonly maxInputCharsPerWord = 100,
  ) {
    const unk = vocab.get(unkToken);
    if (unk === undefined) throw new InvalidInputError(`the WordPiece vocabulary has no unknown token ${JSON.stringify(unkToken)}: tokenizer.json is damaged`);
    this.unkId = unk;
    this.byId = [];
    for (const [t, id] of vocab) this.byId[id] = t;
  }

  static fromSpec(spec: Record<string, any>): WordPiece {
    if (spec?.type !== "WordPiece") {
      throw new InvalidInputError(`tokenizer.json has a ${JSON.stringify(spec?.type)} model; modelbench reads WordPiece (BERT-family) tokenizers only`);
    }
    return new WordPiece(new Map(Object.entries(spec.vocab as Record<string, number>)), spec.unk_token ?? "[UNK]", spec.continuing_subword_prefix ?? "##", spec.max_input_chars_per_word ?? 100);
  }

  get size(): number {
    return this.byId.length;
  }

  idToToken(id: number): string | undefined {
    return this.byId[id];
  }

  tokenize(word: Word): Token[] {
    const whole: Offsets = [word[0].o, word[word.length - 1].o + 1];
    if (word.length > this.maxInputCharsPerWord) return [{ id: this.unkId, token: this.unkToken, offsets: whole }];
    const chars = word.map((ch) => ch.c);
    const out: Token[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: Token | null = null;
      while (start < end) {
        const piece = (start > 0 ? this.prefix : "") + chars.slice(start, end).join("");
        const id = this.vocab.get(piece);
        if (id !== undefined) {
          found = { id, token: piece, offsets: [word[start].o, word[end - 1].o + 1] };
          break;
        }
        end--;
      }
      if (!found) return [{ id: this.unkId, token: this.unkToken, offsets: whole }];
      out.push(found);
      start = end;
    }
    return out;
  }
}
