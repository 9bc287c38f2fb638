// Small neural networks on tfjs (WASM backend, or native tfjs-node when really installed): an MLP
// and a text classifier over token ids, on the same estimator contract as src/models.
export { neuralBackend, backendInfo, nativePackageInstalled, type BackendInfo } from "./backend";
export { MLPClassifier, type MLPClassifierParams } from "./mlp";
export { TextClassifier, type TextClassifierParams, type TextInput } from "./text";
export { NeuralClassifier, type NeuralParams, type FitOptions } from "./classifier";
export { Tokenizer, type TokenizerParams } from "./tokenizer";
export type { LayerWeights, Activation, Pooling } from "./network";
