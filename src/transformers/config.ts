// config.json of a Hugging Face BERT-family checkpoint, checked and reduced to what the encoder needs.
import { UnsupportedArchitectureError } from "./errors";

export interface BertConfig {
  modelType: string;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  hiddenAct: "gelu";
  hiddenDropout: number;
  attentionDropout: number;
  padTokenId: number;
}

/** Model types whose weights follow BertModel's names and layout. */
const BERT_FAMILY = ["bert"];

export function readBertConfig(json: Record<string, any>, where: string): BertConfig {
  const type = json.model_type;
  const arch = (json.architectures ?? [])[0];
  if (!BERT_FAMILY.includes(type)) {
    throw new UnsupportedArchitectureError(
      `${where} describes a ${JSON.stringify(type ?? arch ?? "model of unknown type")} model; modelbench runs BERT-family encoders (model_type "bert": BERT, MiniLM, all-MiniLM-L6-v2, bert-base-uncased…): pick such a checkpoint`,
    );
  }
  const act = json.hidden_act ?? "gelu";
  if (act !== "gelu") throw new UnsupportedArchitectureError(`${where} has hidden_act ${JSON.stringify(act)}; modelbench's encoder implements the exact GELU ("gelu") that BERT uses`);
  if ((json.position_embedding_type ?? "absolute") !== "absolute") {
    throw new UnsupportedArchitectureError(`${where} has position_embedding_type ${JSON.stringify(json.position_embedding_type)}; modelbench implements "absolute" position embeddings`);
  }
  const int = (key: string, fallback?: number): number => {
    const v = json[key] ?? fallback;
    if (!Number.isInteger(v) || v < 1) throw new UnsupportedArchitectureError(`${where} has ${key} = ${JSON.stringify(json[key])}; it must be a whole number ≥ 1`);
    return v;
  };
  const config: BertConfig = {
    modelType: type,
    vocabSize: int("vocab_size"),
    hiddenSize: int("hidden_size"),
    numLayers: int("num_hidden_layers"),
    numHeads: int("num_attention_heads"),
    intermediateSize: int("intermediate_size"),
    maxPositions: int("max_position_embeddings", 512),
    typeVocabSize: int("type_vocab_size", 2),
    layerNormEps: json.layer_norm_eps ?? 1e-12,
    hiddenAct: "gelu",
    hiddenDropout: json.hidden_dropout_prob ?? 0.1,
    attentionDropout: json.attention_probs_dropout_prob ?? 0.1,
    padTokenId: json.pad_token_id ?? 0,
  };
  if (config.hiddenSize % config.numHeads !== 0) throw new UnsupportedArchitectureError(`${where}: hidden_size ${config.hiddenSize} is not a multiple of num_attention_heads ${config.numHeads}`);
  return config;
}
