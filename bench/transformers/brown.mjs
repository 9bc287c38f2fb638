// The fine-tuned MiniLM's held-out score against TF-IDF + logistic regression (modelbench's and
// scikit-learn's) on the same passages: 04-neural's full size (MODELBENCH_FULL=1), as a script.
// Brown passages of 200 words, up to 6 per text, split by text (a quarter of the texts held out,
// seed 0, then a fifth of the rest for validation, seed 1, as 04 does; fitted on the rest); MiniLM
// fine-tuned at length 128, every layer, 3 epochs, batch 16, learning rate 5e-5, seed 0. Prints a
// Markdown table; nothing is asserted. About 15 minutes on 2 quiet cores with native TensorFlow.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { wholeNumberOption } from "../lib/options.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const mb = require(join(root, "dist", "src"));
const argv = process.argv.slice(2);
const epochs = wholeNumberOption("transformers/brown", "epochs", 3, argv);

const backend = await mb.neuralBackend();
const passages = (await mb.loadBrown({ passageWords: 200 })).filter((d) => d.passage < 6);
const { train: trainAll, test } = mb.groupSplit(passages, { groups: "file", testSize: 0.25, seed: 0 });
const { train: fit } = mb.groupSplit(trainAll, { groups: "file", testSize: 0.2, seed: 1 });
const text = (t) => t.array("text"), genre = (t) => t.array("genre");
const macro = (y, p) => mb.f1(y, p, { average: "macro", zeroDivision: 0 });

const rows = [];
const t0 = performance.now();
const minilm = new mb.TransformerClassifier({ model: "all-MiniLM-L6-v2", maxLength: 128, trainableLayers: null, epochs, batchSize: 16, learningRate: 5e-5, seed: 0 });
await mb.train(minilm, text(fit), genre(fit), { progress: false });
const fitSeconds = (performance.now() - t0) / 1000;
const pred = minilm.predict(text(test));
rows.push([`MiniLM-L6 fine-tuned (${backend.backend}, ${epochs} epochs)`, macro(genre(test), pred), mb.accuracy(genre(test), pred), fitSeconds]);

const t1 = performance.now();
const tfidf = new mb.TfidfVectorizer({ stopWords: "english", sublinearTf: true });
const lr = new mb.LogisticRegression({ C: 10 }).fit(tfidf.fitTransform(text(fit)), genre(fit));
const lrPred = lr.predict(tfidf.transform(text(test)));
rows.push(["TF-IDF + logistic regression C=10 (modelbench)", macro(genre(test), lrPred), mb.accuracy(genre(test), lrPred), (performance.now() - t1) / 1000]);

// scikit-learn on the very same texts, from .venv (requirements-dev.txt).
const dir = mkdtempSync(join(tmpdir(), "mb-brown-"));
writeFileSync(join(dir, "data.json"), JSON.stringify({ Xtr: text(fit), ytr: genre(fit), Xte: text(test), yte: genre(test) }));
const py = spawnSync(join(root, ".venv", "bin", "python"), ["-c", `
import json, sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, accuracy_score
d = json.load(open(sys.argv[1]))
t = time.perf_counter()
v = TfidfVectorizer(stop_words="english", sublinear_tf=True)
m = LogisticRegression(C=10, max_iter=1000).fit(v.fit_transform(d["Xtr"]), d["ytr"])
p = m.predict(v.transform(d["Xte"]))
print(json.dumps([f1_score(d["yte"], p, average="macro", zero_division=0), accuracy_score(d["yte"], p), time.perf_counter() - t]))
`, join(dir, "data.json")], { encoding: "utf8" });
rmSync(dir, { recursive: true, force: true });
const sk = py.status === 0 ? JSON.parse(py.stdout.trim().split("\n").pop()) : null;
rows.push(["TF-IDF + logistic regression C=10 (scikit-learn)", ...(sk ?? [NaN, NaN, NaN])]);

console.log(`Brown passages (200 words, up to 6 per text, split by text): ${fit.numRows()} fitted, ${test.numRows()} held out, ${new Set(genre(test)).size} genres\n`);
console.log("| model | held-out macro-F1 | accuracy | fit |\n|---|---:|---:|---:|");
for (const [name, f, a, s] of rows) console.log(`| ${name} | ${Number.isFinite(f) ? f.toFixed(3) : "n/a"} | ${Number.isFinite(a) ? a.toFixed(3) : "n/a"} | ${Number.isFinite(s) ? `${s.toFixed(1)} s` : "n/a"} |`);
if (!sk) console.log(`\nscikit-learn: ${(py.stderr || py.error?.message || "").trim().split("\n").pop()} (npm run bench installs it into .venv)`);
