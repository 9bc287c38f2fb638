// Turning raw data into model inputs: TF-IDF for text, one-hot for categories, standardisation for
// numbers, and the sparse matrix type text features come in.
export { CsrMatrix, CsrBuilder } from "./sparse";
export { TfidfVectorizer, type TfidfParams, type DocFrequency } from "./tfidf";
export { ENGLISH_STOP_WORDS } from "./stopWords";
export { StandardScaler, type StandardScalerParams } from "./scaler";
export { OneHotEncoder, type OneHotEncoderParams } from "./oneHot";
