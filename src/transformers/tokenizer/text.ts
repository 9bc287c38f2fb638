// Text as the tokenizer stages see it: code points, each remembering which code point of the
// original input it came from, so that token offsets point into what the user passed in even
// after accents are stripped or CJK characters are spaced (as Hugging Face's NormalizedString).
export interface AlignedChar {
  /** One code point (lower-casing may expand one original character into several). */
  c: string;
  /** Index of the original code point it came from. */
  o: number;
}

export function aligned(text: string, offset = 0): AlignedChar[] {
  return Array.from(text, (c, i) => ({ c, o: offset + i }));
}

/** A word out of the pre-tokenizer: its characters, in order. */
export type Word = AlignedChar[];

/** [start, end) in code points of the original text. */
export type Offsets = [number, number];

export function spanOf(chars: readonly AlignedChar[]): Offsets {
  return chars.length ? [chars[0].o, chars[chars.length - 1].o + 1] : [0, 0];
}
