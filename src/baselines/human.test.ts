import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../track";
import { f1 } from "../metrics";
import { labelSample, parseChoice, stratifiedSample } from "./human";
import { leaderboard } from "./leaderboard";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mb-human-"));

// 30 texts over three genres; the text names its genre, so a "person" can answer from it.
const genres = ["mystery", "romance", "science_fiction"];
const labels = Array.from({ length: 30 }, (_, i) => genres[i % 3]);
const texts = labels.map((g, i) => `passage ${i} about ${g}`);

/** A scripted person: reads the genre from the passage, except for the ones it gets wrong. */
function person(wrongOn: Set<number> = new Set(), extra: string[] = []) {
  let shown = "";
  const asked: string[] = [];
  const queue = [...extra];
  return {
    asked,
    print: (t: string) => {
      if (/passage \d+/.test(t)) shown = t; // the last passage shown, not the re-ask notes
    },
    ask: async (prompt: string) => {
      asked.push(prompt);
      if (queue.length) return queue.shift()!;
      const m = /passage (\d+) about (\w+)/.exec(shown);
      if (!m) return "q";
      const i = Number(m[1]);
      return wrongOn.has(i) ? (m[2] === "romance" ? "mystery" : "romance") : m[2];
    },
  };
}

test("the sample is seeded, stratified over the labels and does not repeat", () => {
  const a = stratifiedSample(labels, 9, 4);
  assert.deepEqual(a, stratifiedSample(labels, 9, 4));
  assert.notDeepEqual(a, stratifiedSample(labels, 9, 5));
  assert.equal(new Set(a).size, 9);
  for (const g of genres) assert.equal(a.filter((i) => labels[i] === g).length, 3);
  assert.equal(stratifiedSample(labels, 100, 0).length, 30, "never more than there are");
});

test("answers are read as a number, a name or an unambiguous start of one", () => {
  assert.equal(parseChoice("2", genres), "romance");
  assert.equal(parseChoice(" Science_Fiction ", genres), "science_fiction");
  assert.equal(parseChoice("sci", genres), "science_fiction");
  assert.equal(parseChoice("4", genres), null);
  assert.equal(parseChoice("0", genres), null);
  assert.equal(parseChoice("", genres), null);
  assert.equal(parseChoice("x", ["xa", "xb"]), null, "ambiguous");
});

test("a labelling session scores the person on the sample and records the human reference", async () => {
  const dir = tmp();
  await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
  const file = path.join(dir, "labels.json");
  const sample = stratifiedSample(labels, 12, 0);
  const wrong = new Set([sample[0], sample[5]]);
  const p = person(wrong, ["7", "banana"]); // an out-of-range number and a non-answer are asked again
  const r = await labelSample({ texts, labels, ask: p.ask, print: p.print, file, n: 12, annotator: "tester" });
  assert.equal(r.answers.length, 12);
  assert.equal(r.remaining, 0);
  const truth = r.answers.map((a) => a.truth);
  const said = r.answers.map((a) => a.answer);
  assert.equal(said.filter((s, i) => s !== truth[i]).length, 2);
  assert.equal(r.metrics.accuracy, 10 / 12);
  assert.equal(r.metrics.macro_f1, f1(truth, said, { average: "macro" }));
  assert.ok(r.metrics.macro_f1! < 1);
  assert.equal(p.asked.length, 14, "12 answers plus the two that were asked again");
  const detail = await r.run!.store.getRun(r.run!.id);
  assert.deepEqual(detail.tags, ["reference", "human"]);
  assert.equal(detail.metrics.macro_f1.last, r.metrics.macro_f1);
  assert.match(detail.notes!, /12 held-out examples .* labelled by tester/);
  const board = await leaderboard({ metric: "macro_f1" });
  assert.equal(board.rows.find((row) => row.name === "human")?.kind, "reference");
  // A board filtered to baselines (as 02-baselines draws it) still shows the human row beside them.
  const baseline = await track.startRun({ name: "baseline/most_frequent", tags: ["baseline"] });
  baseline.log({ macro_f1: 0.1 });
  await baseline.end("finished");
  const filtered = await leaderboard({ metric: "macro_f1", tags: ["baseline"] });
  assert.deepEqual(filtered.rows.map((row) => row.name).sort(), ["baseline/most_frequent", "human"]);
  const without = await leaderboard({ metric: "macro_f1", tags: ["baseline"], references: false });
  assert.deepEqual(without.rows.map((row) => row.name), ["baseline/most_frequent"]);
});

test("stopping keeps every answer in the file, and the next session resumes where it stopped", async () => {
  const dir = tmp();
  await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
  const file = path.join(dir, "labels.json");
  // First session: three answers, then q.
  const first = person(new Set(), []);
  let given = 0;
  const stopper = async (prompt: string) => (given++ < 3 ? first.ask(prompt) : "q");
  const r1 = await labelSample({ texts, labels, ask: stopper, print: first.print, file, n: 9 });
  assert.equal(r1.answers.length, 3);
  assert.equal(r1.remaining, 6);
  assert.equal(r1.run, undefined, "fewer than minAnswers: nothing recorded");
  assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).answers.length, 3);
  // Second session: the same file; only the six left are asked, none twice.
  const second = person();
  const r2 = await labelSample({ texts, labels, ask: second.ask, print: second.print, file, n: 9, minAnswers: 5 });
  assert.equal(second.asked.length, 6);
  assert.equal(r2.answers.length, 9);
  assert.equal(new Set(r2.answers.map((a) => a.index)).size, 9);
  assert.equal(r2.metrics.accuracy, 1);
  assert.ok(r2.run);
});

test("skipped examples are not scored; bad input and a foreign or corrupt file are clear errors that touch nothing", async () => {
  const dir = tmp();
  await track.useStore(`sqlite://${path.join(dir, "store.db")}`);
  const file = path.join(dir, "labels.json");
  const p = person(new Set(), ["s", "s"]);
  const r = await labelSample({ texts, labels, ask: p.ask, print: p.print, file, n: 6, record: false });
  assert.equal(r.answers.length, 4);
  assert.equal(r.run, undefined);

  await assert.rejects(labelSample({ texts, labels: labels.slice(1), ask: p.ask, file }), /30 texts but 29 labels/);
  await assert.rejects(labelSample({ texts, labels, ask: p.ask, file, n: 0 }), /whole number/);
  await assert.rejects(labelSample({ texts, labels, file } as any), /ask\(prompt\)/);
  await assert.rejects(labelSample({ texts, labels, ask: p.ask, file, choices: ["mystery"] }), /not among the choices/);
  // The same file with other texts: refused, file unchanged.
  const before = fs.readFileSync(file, "utf8");
  await assert.rejects(labelSample({ texts: texts.map((t) => t + "!"), labels, ask: p.ask, file }), /answers for other texts/);
  assert.equal(fs.readFileSync(file, "utf8"), before);
  fs.writeFileSync(file, "{ not json");
  await assert.rejects(labelSample({ texts, labels, ask: p.ask, file }), /not a labels file/);
  assert.equal(fs.readFileSync(file, "utf8"), "{ not json");
});

test("`modelbench label` asks on the terminal, keeps the answers and records the human reference (Brown test split)", () => {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const dir = tmp();
  const bin = path.resolve(__dirname, "../../../bin/modelbench.mjs");
  const file = path.join(dir, "labels.json");
  const env = { ...process.env, MODELBENCH_STORE: `sqlite://${path.join(dir, "store.db")}` };
  const run = (input: string, ...args: string[]) =>
    spawnSync(process.execPath, [bin, "label", "--n", "10", "--file", file, "--annotator", "cli-test", ...args], { cwd: dir, env, input, encoding: "utf8" });
  // Four answers, a non-answer (asked again), then the input ends: the answers are kept, none recorded.
  const first = run("news\n1\nbogus\n11\nromance\n");
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /'bogus' is not one of the choices/);
  assert.match(first.stdout, /stopped: 6 left/);
  const saved = JSON.parse(fs.readFileSync(file, "utf8"));
  assert.equal(saved.sample.length, 10);
  assert.deepEqual(saved.answers.map((a: any) => a.answer), ["news", "adventure", "news", "romance"]);
  // The rest in a second session: all "news"; the score is computed against the true genres.
  const second = run("news\n".repeat(6));
  assert.equal(second.status, 0, second.stderr);
  const all = JSON.parse(fs.readFileSync(file, "utf8")).answers;
  assert.equal(all.length, 10);
  const acc = all.filter((a: any) => a.answer === a.truth).length / 10;
  assert.match(second.stdout, new RegExp(`accuracy ${acc.toFixed(3)}`));
  assert.match(second.stdout, /recorded as the 'human' reference run/);
  assert.equal(run("", "--n", "x").status, 2);
});
