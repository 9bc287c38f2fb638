// The pre-tokenizer stage: BERT's splits on whitespace (dropped) and on punctuation (each mark a
// word of its own); WhitespaceSplit only on whitespace. Read from tokenizer.json's "pre_tokenizer".
import { InvalidInputError } from "../../errors";
import type { AlignedChar, Word } from "./text";

export type PreTokenizer = (chars: AlignedChar[]) => Word[];

const WHITESPACE = /^\p{White_Space}$/u;
const isWhitespace = (c: string) => {
  const code = c.charCodeAt(0);
  return code < 0x80 ? code === 32 || (code >= 9 && code <= 13) : WHITESPACE.test(c);
};
const PUNCTUATION = /^\p{P}$/u;

/** Rust's is_ascii_punctuation (which includes $ + < = > ^ ` | ~) or Unicode punctuation. */
function isPunctuation(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if (cp < 0x80) return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
  return PUNCTUATION.test(c);
}

function split(chars: AlignedChar[], isolate: (c: string) => boolean): Word[] {
  const words: Word[] = [];
  let word: Word = [];
  for (const ch of chars) {
    if (isWhitespace(ch.c)) {
      if (word.length) words.push(word);
      word = [];
    } else if (isolate(ch.c)) {
      if (word.length) words.push(word);
      words.push([ch]);
      word = [];
    } else {
      word.push(ch);
    }
  }
  if (word.length) words.push(word);
  return words;
}

export const bertPreTokenizer: PreTokenizer = (chars) => split(chars, isPunctuation);
export const whitespaceSplit: PreTokenizer = (chars) => split(chars, () => false);

export function preTokenizerFrom(spec: Record<string, any> | null | undefined): PreTokenizer {
  switch (spec?.type) {
    case "BertPreTokenizer":
      return bertPreTokenizer;
    case "WhitespaceSplit":
      return whitespaceSplit;
    case "Sequence": {
      const steps = (spec.pretokenizers as Record<string, any>[]).map(preTokenizerFrom);
      return (chars) => steps.reduce<Word[]>((words, f) => words.flatMap((w) => f(w)), [chars]);
    }
    default:
      throw new InvalidInputError(`tokenizer.json has pre_tokenizer ${JSON.stringify(spec?.type ?? null)}, which modelbench does not implement (it reads BertPreTokenizer, WhitespaceSplit and Sequence): use a BERT-family checkpoint`);
  }
}
