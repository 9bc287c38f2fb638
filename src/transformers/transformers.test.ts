// The encoder against sentence-transformers (PyTorch) on all-MiniLM-L6-v2: mean-pooled and CLS
// embeddings within 1e-4 (fixtures: tests/fixtures/make_transformer_fixtures.py), and the errors a
// user meets with a missing or mismatched checkpoint.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { neuralBackend } from "../neural";
import { CheckpointMismatchError, ModelNotFoundError, Safetensors, UnsupportedArchitectureError, encodeSafetensors, loadPretrained, resolveModel } from "./index";

const FIXTURE = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "tests", "fixtures", "transformers", "encoder.json"), "utf8"));
const maxAbs = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));

before(async () => {
  await neuralBackend();
});

test(`mean-pooled, CLS and normalised embeddings equal sentence-transformers' within 1e-4 on ${FIXTURE.texts.length} texts`, () => {
  const { encoder, config, tokenizer } = loadPretrained("all-MiniLM-L6-v2");
  assert.equal(config.numLayers, 6);
  assert.equal(tokenizer.vocabSize, 30522);
  const options = { maxLength: FIXTURE.maxLength, batchSize: 7 };
  const mean = encoder.embed(FIXTURE.texts, { ...options, pooling: "mean" });
  assert.equal(mean[0].length, 384);
  const err = maxAbs(mean, FIXTURE.mean);
  assert.ok(err < 1e-4, `mean pooling: max abs difference ${err}`);
  const cls = maxAbs(encoder.embed(FIXTURE.texts, { ...options, pooling: "cls" }), FIXTURE.cls);
  assert.ok(cls < 1e-4, `CLS: max abs difference ${cls}`);
  const normalized = maxAbs(encoder.embed(FIXTURE.texts, { ...options, normalize: true }), FIXTURE.normalized);
  assert.ok(normalized < 1e-4, `normalised: max abs difference ${normalized}`);
  // Padding never changes a text's embedding: alone or in a batch with a long text, the same.
  const alone = encoder.embed([FIXTURE.texts[1]], options)[0];
  assert.ok(maxAbs([alone], [mean[1]]) < 1e-5);
  encoder.dispose();
});

test("texts over maxLength are truncated and counted in a warning", () => {
  const { encoder } = loadPretrained("all-MiniLM-L6-v2");
  const warnings: string[] = [];
  const long = "word ".repeat(300);
  const out = encoder.embed([long, "short"], { maxLength: 64, onWarning: (w) => warnings.push(w.message) });
  assert.equal(out.length, 2);
  assert.deepEqual(warnings, ["1 of 2 texts were longer than maxLength 64 tokens and were truncated (238 tokens dropped): raise maxLength (the model reads at most 512) or split long texts into passages"]);
  assert.throws(() => encoder.embed(["x"], { maxLength: 600 }), /more than the model's 512 positions/);
  assert.throws(() => encoder.embed(["x"], { pooling: "max" as any }), /unknown pooling "max"/);
  encoder.dispose();
});

/** A copy of the MiniLM folder (files linked, not copied) to break one part of. */
function copyOfModel(): string {
  const src = resolveModel("all-MiniLM-L6-v2");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "minilm-"));
  for (const f of ["config.json", "model.safetensors", "tokenizer.json"]) fs.symlinkSync(path.join(src, f), path.join(dir, f));
  return dir;
}

test("a missing model folder, an unsupported architecture or a mismatched vocabulary is a clear error", () => {
  assert.throws(() => loadPretrained("no-such-model"), (e: unknown) => e instanceof ModelNotFoundError && /no model folder 'no-such-model' in .*run `node scripts\/setup.mjs` .* MODELBENCH_MODELS_DIR/.test((e as Error).message));
  const dir = copyOfModel();
  const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
  const rewrite = (file: string, value: unknown) => {
    fs.rmSync(path.join(dir, file));
    fs.writeFileSync(path.join(dir, file), typeof value === "string" ? value : JSON.stringify(value));
  };
  rewrite("config.json", { ...config, model_type: "gpt2", architectures: ["GPT2LMHeadModel"] });
  assert.throws(() => loadPretrained(dir), (e: unknown) => e instanceof UnsupportedArchitectureError && /describes a "gpt2" model; modelbench runs BERT-family encoders/.test((e as Error).message));
  rewrite("config.json", { ...config, vocab_size: 28996 });
  assert.throws(() => loadPretrained(dir), (e: unknown) => e instanceof CheckpointMismatchError && /config.json's vocab_size is 28996, the weights have 30522 rows/.test((e as Error).message));
  rewrite("config.json", config);
  // The mended folder is read afresh (nothing of the failed load was kept), and a tokenizer with
  // more tokens than the weights have rows belongs to another model.
  const tokenizerJSON = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
  const original = JSON.stringify(tokenizerJSON);
  for (let i = 0; i < 8; i++) tokenizerJSON.model.vocab[`extra${i}`] = 30522 + i;
  rewrite("tokenizer.json", tokenizerJSON);
  assert.throws(() => loadPretrained(dir), (e: unknown) => e instanceof CheckpointMismatchError && /tokenizer.json has 30530 tokens but the model's embeddings have 30522 rows/.test((e as Error).message));
  rewrite("tokenizer.json", original);
  rewrite("config.json", { ...config, num_hidden_layers: 7 });
  assert.throws(() => loadPretrained(dir), /has no weight 'encoder.layer.6.attention.self.query.weight'/);
  fs.rmSync(path.join(dir, "model.safetensors"));
  fs.writeFileSync(path.join(dir, "pytorch_model.bin"), "");
  assert.throws(() => loadPretrained(dir), /lacks model.safetensors \(it has pytorch_model.bin: .*safe_serialization=True/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("another BERT checkpoint layout loads the same: a \"bert.\" prefix, LayerNorm gamma/beta names, CLS pooling from 1_Pooling", () => {
  const dir = copyOfModel();
  const original = Safetensors.readFile(path.join(dir, "model.safetensors"));
  // As older transformers (BertForPreTraining) saved it: the encoder under "bert.", LayerNorm's weight and bias as gamma and beta.
  const renamed: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, info] of original.tensors) {
    renamed[`bert.${name.replace(/LayerNorm\.weight$/, "LayerNorm.gamma").replace(/LayerNorm\.bias$/, "LayerNorm.beta")}`] = { shape: info.shape, data: original.float32(name) };
  }
  assert.ok(Object.keys(renamed).some((n) => n.endsWith("LayerNorm.gamma")));
  fs.rmSync(path.join(dir, "model.safetensors"));
  fs.writeFileSync(path.join(dir, "model.safetensors"), encodeSafetensors(renamed));
  fs.mkdirSync(path.join(dir, "1_Pooling"));
  fs.writeFileSync(path.join(dir, "1_Pooling", "config.json"), JSON.stringify({ word_embedding_dimension: 384, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
  const { encoder } = loadPretrained(dir);
  const texts = FIXTURE.texts.slice(0, 4);
  // The folder's pooling is the default; either pooling still equals the reference's.
  assert.ok(maxAbs(encoder.embed(texts, { maxLength: FIXTURE.maxLength }), FIXTURE.cls.slice(0, 4)) < 1e-4, "CLS pooling from 1_Pooling/config.json");
  assert.ok(maxAbs(encoder.embed(texts, { maxLength: FIXTURE.maxLength, pooling: "mean" }), FIXTURE.mean.slice(0, 4)) < 1e-4);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("MODELBENCH_MODELS_DIR adds folders searched by name, and org/name finds the folder by its name", () => {
  const dir = copyOfModel();
  const parent = path.dirname(dir);
  const before = process.env.MODELBENCH_MODELS_DIR;
  process.env.MODELBENCH_MODELS_DIR = parent;
  try {
    assert.equal(resolveModel(path.basename(dir)), dir);
    assert.equal(resolveModel("sentence-transformers/all-MiniLM-L6-v2"), resolveModel("all-MiniLM-L6-v2"));
  } finally {
    if (before === undefined) delete process.env.MODELBENCH_MODELS_DIR;
    else process.env.MODELBENCH_MODELS_DIR = before;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
