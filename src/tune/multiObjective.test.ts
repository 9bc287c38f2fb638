// Studies with several objectives on every store backend: values stored per trial, the Pareto front
// as the result, resuming, and the errors a user can hit.
import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Database from "better-sqlite3";
import * as track from "../track";
import { createStudy, uniform, choice, StudyError } from "./index";
import { paretoFront } from "./pareto";
import { MIME } from "../display";
import { MIGRATIONS } from "../store/sqlite/schema";
import { PG_MIGRATIONS } from "../store/postgres/schema";
import { Client } from "pg";
import { BACKENDS, testPostgres, type Backend } from "../../tests/support/backends";

for (const b of BACKENDS) suite(b);

function suite(b: Backend) {
  const test = (name: string, fn: () => unknown) => nodeTest(`${b.name}: ${name}`, fn as any);
  const fresh = async () => track.useStore(await b.fresh());

  // A model whose accuracy rises with its size while its latency rises too: a real trade-off.
  const space = { size: uniform(1, 100), act: choice(["relu", "tanh"]) };
  const objective = (p: Record<string, any>): number[] => [1 - 1 / Math.sqrt(p.size) - (p.act === "tanh" ? 0.05 : 0), p.size * 0.3 + (p.act === "tanh" ? 1 : 0)];

  test("directions [max, min]: each trial keeps both values, bestTrials is the Pareto front, each a tracked metric", async () => {
    await fresh();
    for (const sampler of ["nsga2", "tpe", "random"]) {
      const study = await createStudy({ name: `mo-${sampler}`, space, directions: ["max", "min"], metrics: ["f1_macro", "latency_ms"], sampler, seed: 1, samplerOptions: sampler === "nsga2" ? { populationSize: 6 } : {} });
      assert.ok(study.isMultiObjective);
      assert.deepEqual(study.directions, ["maximize", "minimize"]);
      const summary = await study.optimize(objective, { trials: 16 });
      const trials = study.trials;
      assert.equal(trials.length, 16);
      for (const t of trials) {
        assert.equal(t.state, "complete");
        assert.deepEqual(t.values, objective(t.params));
        assert.equal(t.value, t.values![0]);
      }
      const front = study.bestTrials;
      assert.deepEqual(front.map((t) => t.number), paretoFront(trials, study.directions).map((t) => t.number));
      assert.ok(front.length >= 2, `${sampler}: a trade-off has several optimal trials, got ${front.length}`);
      assert.deepEqual(summary.bestTrials.map((t) => t.number), front.map((t) => t.number));
      assert.equal(summary.best, null);
      assert.throws(() => study.bestTrial, /has 2 objectives, so no single best trial: use study.bestTrials/);
      assert.match(String(summary[MIME]()["text/plain"]), /max f1_macro, min latency_ms — 16 trials \(16 complete.*\nPareto front: \d+ trials/);
      const run = await track.store().getRun(trials[0].runId!);
      assert.deepEqual(Object.keys(run.metrics).filter((k) => !k.startsWith("system/")).sort(), ["f1_macro", "latency_ms"]);
      assert.equal(run.metrics.latency_ms.last, trials[0].values![1]);
    }
    // Resumed by name with the same objectives; other objectives are refused.
    const again = await createStudy({ name: "mo-nsga2", space, directions: ["max", "min"], metrics: ["f1_macro", "latency_ms"], sampler: "nsga2" });
    assert.equal(again.trials.length, 16);
    assert.deepEqual(again.trials[3].values, objective(again.trials[3].params));
    await assert.rejects(() => createStudy({ name: "mo-nsga2", space, directions: ["max", "max"], metrics: ["f1_macro", "latency_ms"] }), /already exists to maximize 'f1_macro', minimize 'latency_ms'/);
    await assert.rejects(() => createStudy({ name: "mo-nsga2", space, direction: "max", metric: "f1_macro" }), /already exists to maximize 'f1_macro', minimize 'latency_ms'/);
  });

  test("an objective may log its metrics instead of returning them; a wrong count or a NaN fails the trial", async () => {
    await fresh();
    const study = await createStudy({ name: "logged", space, directions: ["max", "min"], metrics: ["acc", "ms"], sampler: "random", seed: 2 });
    let n = 0;
    await study.optimize((p, trial) => {
      n++;
      if (n === 1) return [0.5];
      if (n === 2) return [NaN, 3];
      trial.log({ acc: 0.7, ms: p.size });
      return undefined;
    }, { trials: 4 });
    const [a, b2, c] = study.trials;
    assert.equal(a.state, "failed");
    assert.match(a.error!, /returned 1 value for 2 objectives: return \[acc, ms\]/);
    assert.equal(b2.state, "failed");
    assert.match(b2.error!, /returned NaN for acc/);
    assert.equal(c.state, "complete");
    assert.deepEqual(c.values, [0.7, c.params.size]);
  });

  test("bad multi-objective setups are clear errors", async () => {
    await fresh();
    await assert.rejects(() => createStudy({ space, directions: ["max", "min"], metrics: ["f1"] }), (e: Error) => e instanceof StudyError && /2 directions but 1 metrics \(f1\): name one metric per direction/.test(e.message));
    await assert.rejects(() => createStudy({ space, directions: ["max", "sideways" as any] }), /"minimize" or "maximize"/);
    await assert.rejects(() => createStudy({ space, directions: ["max", "min"], direction: "max" }), /direction \(one objective\) or directions \(several\), not both/);
    await assert.rejects(() => createStudy({ space, directions: ["max", "min"], metrics: ["a", "a"] }), /repeats one/);
    await assert.rejects(() => createStudy({ space, directions: ["max", "min"], sampler: "gp" }), /the gp sampler optimises one objective and this study has 2: use --sampler nsga2 or tpe/);
    await assert.rejects(() => createStudy({ space, directions: ["max", "min"], sampler: "cmaes" }), /the cmaes sampler optimises one objective/);
    await assert.rejects(() => createStudy({ space, directions: ["max", "min"], warmStart: "tags contains x" }), /warm start .* one objective/);
    const study = await createStudy({ name: "noprune", space, directions: ["max", "min"], sampler: "random", track: false });
    await study.optimize((p, trial) => {
      trial.report(0.5, 1);
      return [1, 2];
    }, { trials: 1 });
    assert.match(study.trials[0].error!, /trial.report\(\) is for studies with one objective/);
    // One direction in a list is a single-objective study.
    const single = await createStudy({ name: "one", space, directions: ["max"], metrics: ["acc"], sampler: "random", track: false });
    assert.ok(!single.isMultiObjective);
    assert.equal(single.metric, "acc");
  });
}

nodeTest("sqlite: a store from before several objectives (schema 3) is migrated; its studies read as before", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-mo-")), "store.db");
  const db = new Database(file);
  db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  for (const m of MIGRATIONS.slice(0, 3)) db.exec(m);
  db.prepare("INSERT INTO meta VALUES ('schema_version', '3')").run();
  db.prepare("INSERT INTO studies (id, name, direction, metric, space, sampler, pruner, created_at) VALUES ('s1', 'old', 'maximize', 'acc', ?, 'tpe', 'none', 0)").run(JSON.stringify([{ name: "x", dist: { kind: "float", low: 0, high: 1, log: false } }]));
  db.prepare("INSERT INTO trials (study_id, number, state, params, value, started_at, ended_at) VALUES ('s1', 0, 'complete', '{\"x\":0.25}', 0.75, 0, 1)").run();
  db.close();
  await track.useStore(`sqlite://${file}`);
  const old = await createStudy({ name: "old", space: { x: uniform(0, 1) }, direction: "max", metric: "acc", track: false });
  assert.equal(old.bestTrial!.value, 0.75);
  assert.equal(old.trials[0].values, undefined);
  assert.deepEqual(old.directions, ["maximize"]);
  const version = new Database(file).prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string };
  assert.equal(Number(version.value), MIGRATIONS.length);
  const mo = await createStudy({ name: "new", space: { x: uniform(0, 1) }, directions: ["min", "min"], sampler: "random", seed: 1, track: false });
  await mo.optimize((p) => [p.x, 1 - p.x], { trials: 3 });
  assert.equal(mo.bestTrials.length, 3);
});

nodeTest("postgres: a store from before several objectives (schema 2) is migrated; its studies read as before", async () => {
  const url = await (await testPostgres()).createDatabase();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    for (const m of PG_MIGRATIONS.slice(0, 2)) await client.query(m);
    await client.query("INSERT INTO meta VALUES ('schema_version', '2')");
    await client.query("INSERT INTO studies (id, name, direction, metric, space, sampler, pruner, created_at) VALUES ('s1', 'old', 'maximize', 'acc', $1, 'tpe', 'none', 0)", [JSON.stringify([{ name: "x", dist: { kind: "float", low: 0, high: 1, log: false } }])]);
    await client.query("INSERT INTO trials (study_id, number, state, params, value, started_at, ended_at) VALUES ('s1', 0, 'complete', '{\"x\":0.25}', 0.75, 0, 1)");
  } finally {
    await client.end();
  }
  await track.useStore(url);
  const old = await createStudy({ name: "old", space: { x: uniform(0, 1) }, direction: "max", metric: "acc", track: false });
  assert.equal(old.bestTrial!.value, 0.75);
  assert.deepEqual(old.directions, ["maximize"]);
  const mo = await createStudy({ name: "new", space: { x: uniform(0, 1) }, directions: ["min", "min"], sampler: "random", seed: 1, track: false });
  await mo.optimize((p) => [p.x, 1 - p.x], { trials: 3 });
  assert.equal(mo.bestTrials.length, 3);
  assert.deepEqual(mo.trials[0].values, [mo.trials[0].params.x, 1 - (mo.trials[0].params.x as number)]);
});
