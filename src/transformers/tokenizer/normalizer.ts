// The normalizer stage, read from tokenizer.json's "normalizer": BERT's (clean control characters,
// space out CJK ideographs, strip accents, lower-case) and the small pieces other BERT-family
// checkpoints combine in a "Sequence". Character classes follow Hugging Face tokenizers exactly.
import { InvalidInputError } from "../../errors";
import type { AlignedChar } from "./text";

export type Normalizer = (chars: AlignedChar[]) => AlignedChar[];

// Rust's char::is_whitespace is Unicode White_Space; "other" is Unicode category C (Cc, Cf, Cs, Co, Cn).
const WHITESPACE = /^\p{White_Space}$/u;
const OTHER = /^\p{C}$/u;
const MARK_NONSPACING = /^\p{Mn}$/u;

function isChinese(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b920 && cp <= 0x2ceaf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Drops NUL, U+FFFD and control/format characters (not tab, newline, return); whitespace becomes a space. */
export function cleanText(chars: AlignedChar[]): AlignedChar[] {
  const out: AlignedChar[] = [];
  for (const ch of chars) {
    const c = ch.c;
    const code = c.charCodeAt(0);
    if (code >= 0x20 && code < 0x7f && c.length === 1) {
      out.push(ch); // printable ASCII: the common case, kept as is
      continue;
    }
    if (c === "\t" || c === "\n" || c === "\r") {
      out.push({ c: " ", o: ch.o });
      continue;
    }
    const cp = c.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || OTHER.test(c)) continue;
    out.push(WHITESPACE.test(c) ? { c: " ", o: ch.o } : ch);
  }
  return out;
}

export function spaceChinese(chars: AlignedChar[]): AlignedChar[] {
  const out: AlignedChar[] = [];
  for (const ch of chars) {
    if (isChinese(ch.c.codePointAt(0)!)) out.push({ c: " ", o: ch.o }, ch, { c: " ", o: ch.o });
    else out.push(ch);
  }
  return out;
}

/** Unicode normal form per character, keeping each result character aligned to its source. */
export function unicodeForm(form: "NFD" | "NFC" | "NFKD" | "NFKC"): Normalizer {
  return (chars) => {
    if (form === "NFC" || form === "NFKC") {
      // Composition joins characters: normalise the whole run, aligning by position where lengths agree.
      const text = chars.map((ch) => ch.c).join("").normalize(form);
      const cps = Array.from(text);
      if (cps.length === chars.length) return cps.map((c, i) => ({ c, o: chars[i].o }));
    }
    const decompose = form === "NFC" ? "NFD" : form === "NFKC" ? "NFKD" : form;
    const out: AlignedChar[] = [];
    for (const ch of chars) {
      // Nothing below U+00A0 decomposes, in either form.
      if (ch.c.charCodeAt(0) < 0xa0) {
        out.push(ch);
        continue;
      }
      const d = ch.c.normalize(decompose);
      if (d === ch.c) out.push(ch);
      else for (const c of d) out.push({ c, o: ch.o });
    }
    return out;
  };
}

export const stripAccents: Normalizer = (chars) => chars.filter((ch) => ch.c.charCodeAt(0) < 0x300 || !MARK_NONSPACING.test(ch.c));

/** Per code point, as Rust's char::to_lowercase (no final-sigma rule, unlike String.toLowerCase). */
export const lowercase: Normalizer = (chars) => {
  const out: AlignedChar[] = [];
  for (const ch of chars) {
    const code = ch.c.charCodeAt(0);
    if (code < 0x80) {
      out.push(code >= 65 && code <= 90 ? { c: String.fromCharCode(code + 32), o: ch.o } : ch);
      continue;
    }
    const lower = ch.c.toLowerCase();
    if (lower === ch.c) out.push(ch);
    else for (const c of lower) out.push({ c, o: ch.o });
  }
  return out;
};

const nfd = unicodeForm("NFD");

export function normalizerFrom(spec: Record<string, any> | null | undefined): Normalizer {
  if (!spec) return (chars) => chars;
  switch (spec.type) {
    case "BertNormalizer": {
      const lower = spec.lowercase ?? true;
      const strip = spec.strip_accents ?? lower; // null means "follow lowercase", as in BERT
      const steps: Normalizer[] = [];
      if (spec.clean_text ?? true) steps.push(cleanText);
      if (spec.handle_chinese_chars ?? true) steps.push(spaceChinese);
      if (strip) steps.push((c) => stripAccents(nfd(c)));
      if (lower) steps.push(lowercase);
      return (chars) => steps.reduce((c, f) => f(c), chars);
    }
    case "Lowercase":
      return lowercase;
    case "StripAccents":
      return stripAccents;
    case "NFD":
    case "NFC":
    case "NFKD":
    case "NFKC":
      return unicodeForm(spec.type);
    case "Sequence": {
      const steps = (spec.normalizers as Record<string, any>[]).map(normalizerFrom);
      return (chars) => steps.reduce((c, f) => f(c), chars);
    }
    default:
      throw new InvalidInputError(`tokenizer.json has normalizer type ${JSON.stringify(spec.type)}, which modelbench does not implement (it reads BertNormalizer, Lowercase, StripAccents, NFD/NFC/NFKD/NFKC and Sequence): use a BERT-family checkpoint`);
  }
}
