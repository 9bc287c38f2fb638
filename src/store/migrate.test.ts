import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import * as track from "../track";
import { createStudy, int, uniform } from "../tune";
import { postgresBackend, sqliteBackend } from "../../tests/support/backends";

const cli = path.join(__dirname, "..", "..", "..", "bin", "modelbench.mjs");

async function snapshot(s: track.Store) {
  const runs = await s.listRuns();
  const details = await Promise.all(runs.map((r) => s.getRun(r.id)));
  const histories = await Promise.all(runs.map((r) => s.metricHistory(r.id)));
  const blobs = await Promise.all(details.flatMap((d) => d.artifacts.map((a) => s.readArtifact(a.hash))));
  const all = await s.listRuns({ archived: "all" });
  const media = await Promise.all(all.map(async (r) => {
    const items = await s.listMedia(r.id);
    return { items, contents: await Promise.all(items.map((m) => s.readArtifact(m.hash))) };
  }));
  const output = await Promise.all(all.map((r) => s.readOutput(r.id)));
  return { runs, archived: all.filter((r) => r.archived).map((r) => r.id), details, histories, blobs, media, output, models: await s.modelVersions() };
}

test("migrate copies a SQLite store into PostgreSQL: runs, points, artifacts, registry, studies; a second copy adds nothing", async () => {
  const from = await sqliteBackend.fresh();
  const src = await track.useStore(from);
  const parent = await track.startRun({ name: "parent", tags: ["a", "b"], params: { C: 1, nested: { k: [1, 2] } }, goals: { odd: "max" } });
  const child = await track.startRun({ name: "child" });
  for (let i = 0; i < 500; i++) track.log({ loss: 1 / (i + 1), odd: i % 7 === 0 ? NaN : i % 11 === 0 ? -Infinity : i });
  await track.artifact("model", { weights: [1, 2, 3] });
  await track.logFigure("eval/curve", { data: [{ type: "scatter", y: [1, 2] }], layout: {} }, { step: 2 });
  await track.logTable("eval/errors", [{ text: "a", pred: "b" }]);
  await track.logText("eval/errors-note", "a");
  console.log("printed in the child run");
  await child.end();
  const hidden = await track.startRun({ name: "hidden", parent: null });
  await hidden.end();
  await src.setArchived(hidden.id, true);
  await track.artifact("notes", "some text");
  await parent.end("failed", "boom");
  await src.registerModel("clf", child.id, "model", "first");
  await src.setAlias("clf", "champion", 1);
  const study = await createStudy({ name: "mig", space: { x: uniform(0, 1), n: int(1, 3) }, sampler: "random", seed: 2, pruner: "median" });
  await study.optimize((p, trial) => { trial.report(p.x, 1); trial.report(p.x / 2, 2); return p.x; }, { trials: 4 });
  const pareto = await createStudy({ name: "mig-mo", space: { x: uniform(0, 1) }, directions: ["min", "min"], sampler: "random", seed: 3, track: false });
  await pareto.optimize((p) => [p.x, 1 - p.x], { trials: 3 });
  const paretoBefore = pareto.trials;
  const before = await snapshot(src);
  assert.ok(before.output.flat().some((c) => c.text.includes("printed in the child run")), "the source has output to copy");
  assert.equal(before.archived.length, 1);
  const trialsBefore = study.trials;

  const to = await postgresBackend.fresh();
  const run = () => spawnSync(process.execPath, [cli, "migrate", "--from", from, "--to", to], { encoding: "utf8" });
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /copied 8 runs \(\d+ points, 2 artifacts, 3 media items\), 1 model versions, 1 aliases, 2 studies, 7 trials/);
  const dst = await track.useStore(to);
  const after = await snapshot(dst);
  assert.deepEqual(after, before);
  assert.equal(after.histories.flat().length, before.histories.flat().length);
  assert.deepEqual((await track.loadModel("clf@champion")).value, { weights: [1, 2, 3] });
  const resumed = await createStudy({ name: "mig", space: { x: uniform(0, 1), n: int(1, 3) }, sampler: "random", pruner: "median" });
  assert.deepEqual(resumed.trials, trialsBefore);
  const paretoAfter = await createStudy({ name: "mig-mo", space: { x: uniform(0, 1) }, directions: ["min", "min"], sampler: "random", track: false });
  assert.deepEqual(paretoAfter.trials, paretoBefore, "a study with several objectives keeps its directions and each trial's values");
  assert.deepEqual(paretoAfter.directions, ["minimize", "minimize"]);

  const second = run();
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /copied 0 runs .* 8 runs were already there/);
  assert.deepEqual(await snapshot(dst), before);
  await dst.close();
});

test("migrate refuses bad arguments with a usage message and a missing source clearly", () => {
  const usage = spawnSync(process.execPath, [cli, "migrate", "--from", "sqlite:///x.db"], { encoding: "utf8" });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /migrate needs --from sqlite:\/\/\/path\/store.db --to postgres:/);
  const missing = spawnSync(process.execPath, [cli, "migrate", "--from", "sqlite:///no/such/store.db", "--to", "postgres://u@127.0.0.1:1/db"], { encoding: "utf8" });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /there is no store at \/no\/such\/store.db: check the --from path/);
  const wrong = spawnSync(process.execPath, [cli, "migrate", "--from", "postgres://a@b/c", "--to", "sqlite:///x.db"], { encoding: "utf8" });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /--from must be a SQLite store/);
});
