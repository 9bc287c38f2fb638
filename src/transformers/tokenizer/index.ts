// A Hugging Face-compatible WordPiece tokenizer, as four stages read from tokenizer.json.
export { PretrainedTokenizer, TokenizerFileError, type Encoding, type EncodeOptions, type BatchOptions } from "./tokenizer";
export { normalizerFrom, cleanText, spaceChinese, stripAccents, lowercase, unicodeForm, type Normalizer } from "./normalizer";
export { preTokenizerFrom, bertPreTokenizer, whitespaceSplit, type PreTokenizer } from "./preTokenizer";
export { WordPiece, type Token } from "./wordpiece";
export { postProcessorFrom, type PostProcessor } from "./postProcessor";
export { aligned, type AlignedChar, type Offsets } from "./text";
