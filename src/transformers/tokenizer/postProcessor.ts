// The post-processor stage: special tokens around one sequence or a pair ([CLS] A [SEP] B [SEP])
// with their type ids, from TemplateProcessing or BertProcessing in tokenizer.json.
import { InvalidInputError } from "../../errors";
import type { Token } from "./wordpiece";

export interface Piece extends Token {
  typeId: number;
  special: boolean;
}

export interface PostProcessor {
  /** How many special tokens it adds to one sequence, or to a pair. */
  added(pair: boolean): number;
  apply(a: Token[], b: Token[] | null): Piece[];
}

type Step = { special: string; typeId: number } | { sequence: "A" | "B"; typeId: number };

function templateFrom(single: Step[], pair: Step[], ids: Map<string, number>): PostProcessor {
  const build = (steps: Step[], a: Token[], b: Token[]) => {
    const out: Piece[] = [];
    for (const s of steps) {
      if ("special" in s) out.push({ id: ids.get(s.special)!, token: s.special, offsets: [0, 0], typeId: s.typeId, special: true });
      else for (const t of s.sequence === "A" ? a : b) out.push({ id: t.id, token: t.token, offsets: t.offsets, typeId: s.typeId, special: false });
    }
    return out;
  };
  const count = (steps: Step[]) => steps.filter((s) => "special" in s).length;
  return {
    added: (isPair) => count(isPair ? pair : single),
    apply: (a, b) => (b ? build(pair, a, b) : build(single, a, [])),
  };
}

/** `ids` maps each special token to its id (from the vocabulary or the file's added tokens). */
export function postProcessorFrom(spec: Record<string, any> | null | undefined, ids: Map<string, number>): PostProcessor {
  const need = (token: string) => {
    if (!ids.has(token)) throw new InvalidInputError(`tokenizer.json's post-processor uses ${JSON.stringify(token)}, which is not in its vocabulary: the file is damaged`);
    return token;
  };
  if (!spec) return templateFrom([{ sequence: "A", typeId: 0 }], [{ sequence: "A", typeId: 0 }, { sequence: "B", typeId: 1 }], ids);
  if (spec.type === "BertProcessing") {
    const cls = need(spec.cls[0]);
    const sep = need(spec.sep[0]);
    return templateFrom(
      [{ special: cls, typeId: 0 }, { sequence: "A", typeId: 0 }, { special: sep, typeId: 0 }],
      [{ special: cls, typeId: 0 }, { sequence: "A", typeId: 0 }, { special: sep, typeId: 0 }, { sequence: "B", typeId: 1 }, { special: sep, typeId: 1 }],
      ids,
    );
  }
  if (spec.type === "TemplateProcessing") {
    const steps = (list: Record<string, any>[]): Step[] =>
      list.map((s) => (s.SpecialToken ? { special: need(s.SpecialToken.id), typeId: s.SpecialToken.type_id ?? 0 } : { sequence: s.Sequence.id, typeId: s.Sequence.type_id ?? 0 }));
    return templateFrom(steps(spec.single), steps(spec.pair), ids);
  }
  throw new InvalidInputError(`tokenizer.json has post_processor ${JSON.stringify(spec.type)}, which modelbench does not implement (it reads TemplateProcessing and BertProcessing): use a BERT-family checkpoint`);
}
