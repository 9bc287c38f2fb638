// Pretrained BERT-family transformers in TypeScript: safetensors checkpoints, a Hugging Face-equal
// WordPiece tokenizer, the encoder in tfjs, sentence embeddings and a fine-tunable classifier.
export { Safetensors, SafetensorsError, encodeSafetensors, type Dtype, type TensorInfo, type TensorToWrite } from "./safetensors";
export { PretrainedTokenizer, TokenizerFileError, type Encoding, type EncodeOptions, type BatchOptions } from "./tokenizer";
export { BertEncoder, pool, type NamedWeight } from "./bert";
export { readBertConfig, type BertConfig } from "./config";
export { ModelNotFoundError, UnsupportedArchitectureError, CheckpointMismatchError } from "./errors";
export { loadPretrained, resolveModel, listModels, modelDirs, SentenceEncoder, DEFAULT_MODEL, type Pretrained, type EmbedOptions } from "./pretrained";
export { TransformerClassifier, TransformerWeights, BackendLimitError, TRANSFORMER_DEFAULTS, lengthGroupedOrder, type TransformerParams, type TransformerFitOptions } from "./classifier";
export { AdamW, linearSchedule, globalNorm } from "./adamw";
