import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../track";
import { createStudy, uniform, int, choice, logUniform, TrialPruned, toSpace } from "./index";
import { fireInterrupt } from "../runtime/interrupt";
import { MIME } from "../display";

import { BACKENDS, type Backend } from "../../tests/support/backends";

for (const b of BACKENDS) suite(b);

function suite(b: Backend) {
const test = (name: string, fn: () => unknown) => nodeTest(`${b.name}: ${name}`, fn as any);

/** A new empty store, made the current one; returns its URI. */
async function freshStore(): Promise<string> {
  const uri = await b.fresh();
  await track.useStore(uri);
  return uri;
}

/** A temporary folder for objective modules. */
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "mb-tune-"));

const quadratic = { x: uniform(-5, 5), n: int(1, 4) };

test("optimize runs the trials, each a run nested under the sweep's run, and finds the best", async () => {
  await freshStore();
  const study = await createStudy({ name: "quad", space: quadratic, sampler: "random", seed: 1, metric: "loss" });
  const summary = await study.optimize((p) => (p.x - 1) ** 2 + p.n, { trials: 12 });
  const trials = study.trials;
  assert.equal(trials.length, 12);
  assert.ok(trials.every((t) => t.state === "complete"));
  const best = summary.best!;
  assert.equal(best.value, Math.min(...trials.map((t) => t.value!)));
  const sweep = (await track.listRuns({ tags: ["sweep"] })).runs[0];
  assert.equal(sweep.status, "finished");
  assert.equal(sweep.metrics.best_loss.last, best.value);
  const kids = (await track.store().listRuns({ parentId: sweep.id })).filter((r) => r.tags.includes("trial"));
  assert.equal(kids.length, 12);
  assert.ok(kids.every((r) => r.metrics.loss && typeof r.params.x === "number"));
  assert.match(summary[MIME]()["text/plain"], /Sweep quad: minimize loss — 12 trials \(12 complete/);
});

test("a trial that returns NaN, throws or never reports the metric fails; the sweep goes on", async () => {
  await freshStore();
  const study = await createStudy({ name: "faulty", space: { i: int(0, 1000) }, sampler: "random", seed: 3, metric: "score", direction: "max" });
  let n = 0;
  await study.optimize(() => {
    n++;
    if (n === 1) return NaN;
    if (n === 2) throw new RangeError("diverged");
    if (n === 3) return undefined;
    if (n === 4) {
      track.log({ score: 0.25 }); // the metric logged instead of returned counts
      return undefined;
    }
    return n / 10;
  }, { trials: 6 });
  const t = study.trials;
  assert.deepEqual(t.map((x) => x.state), ["failed", "failed", "failed", "complete", "complete", "complete"]);
  assert.match(t[0].error!, /returned NaN/);
  assert.equal(t[1].error, "RangeError: diverged");
  assert.match(t[2].error!, /never reported 'score': return it .* or set --metric/);
  assert.equal(t[3].value, 0.25);
  assert.equal(study.bestTrial!.value, 0.6);
});

test("enqueued points run first; bad ones are refused", async () => {
  await freshStore();
  const study = await createStudy({ name: "enq", space: { lr: logUniform(1e-4, 1), opt: choice(["sgd", "adam"]) }, sampler: "random" });
  study.enqueue({ lr: 0.01, opt: "adam" });
  assert.throws(() => study.enqueue({ lr: 5, opt: "adam" }), /outside its distribution/);
  assert.throws(() => study.enqueue({ momentum: 0.9 }), /not in the space: momentum/);
  await study.optimize((p) => p.lr, { trials: 3 });
  assert.deepEqual(study.trials[0].params, { lr: 0.01, opt: "adam" });
});

test("conditional parameters exist only when their condition holds", async () => {
  await freshStore();
  const space = { loss: choice(["log", "hinge"]), C: logUniform(1e-3, 10).when("loss", "log"), margin: uniform(0, 1).when("loss", "hinge") };
  const study = await createStudy({ name: "cond", space, sampler: "random", seed: 5 });
  await study.optimize(() => 1, { trials: 20 });
  for (const t of study.trials) {
    assert.equal("C" in t.params, t.params.loss === "log");
    assert.equal("margin" in t.params, t.params.loss === "hinge");
  }
});

test("pruned trials are kept apart, with their intermediate values", async () => {
  await freshStore();
  const study = await createStudy({ name: "prune", space: { x: uniform(0, 1) }, sampler: "random", seed: 2, metric: "val" });
  await study.optimize(async (p, trial) => {
    for (let step = 0; step < 5; step++) {
      trial.report(p.x * step, step);
      if (trial.number % 2 === 1 && step === 2) throw new TrialPruned();
    }
    return p.x * 4;
  }, { trials: 4 });
  const states = study.trials.map((t) => t.state);
  assert.deepEqual(states, ["complete", "pruned", "complete", "pruned"]);
  assert.equal(study.trials[1].intermediate.size, 3);
  const runs = (await track.listRuns({ tags: ["pruned"] })).runs;
  assert.equal(runs.length, 2);
});

test("an interrupted sweep stops, marks what ran, and resumes to the total", async () => {
  await freshStore();
  const study = await createStudy({ name: "resume", space: quadratic, sampler: "random", seed: 9 });
  let calls = 0;
  await assert.rejects(
    () => study.optimize(async (p) => {
      if (++calls === 3) setTimeout(fireInterrupt, 5);
      await new Promise((r) => setTimeout(r, 20));
      return p.x;
    }, { trials: 10 }),
    /sweep 'resume' \(run it again to resume\) was interrupted/,
  );
  const afterStop = study.trials;
  assert.ok(afterStop.length >= 3 && afterStop.length < 10);
  assert.ok(afterStop.some((t) => t.state === "failed" && t.error === "interrupted"));
  const again = await createStudy({ name: "resume", space: quadratic, sampler: "random", seed: 10 });
  await again.optimize((p) => p.x, { trials: 10 });
  assert.equal(again.trials.length, 10);
  const sweeps = (await track.listRuns({ tags: ["sweep"] })).runs.map((r) => r.status).sort();
  assert.deepEqual(sweeps, ["finished", "killed"]);
});

test("warm start feeds earlier runs to the sampler without counting them", async () => {
  await freshStore();
  for (const x of [0.5, 1.5]) {
    const r = await track.startRun({ name: `manual-${x}`, params: { x, n: 2 }, tags: ["manual"] });
    track.log({ loss: x });
    await r.end();
  }
  const study = await createStudy({ name: "warm", space: quadratic, sampler: "random", metric: "loss", warmStart: "tags contains manual" });
  assert.equal(study.trials.filter((t) => t.warm).length, 2);
  await study.optimize((p) => p.x ** 2, { trials: 3 });
  assert.equal(study.trials.filter((t) => !t.warm).length, 3);
});

test("several trials at once in one process, and worker processes sharing one study", async () => {
  const file = await freshStore();
  const study = await createStudy({ name: "parallel", space: quadratic, sampler: "random", seed: 4 });
  let concurrent = 0, peak = 0;
  await study.optimize(async (p) => {
    peak = Math.max(peak, ++concurrent);
    await new Promise((r) => setTimeout(r, 150));
    concurrent--;
    return p.x;
  }, { trials: 8, workers: 3 });
  assert.equal(peak, 3);
  assert.equal(study.trials.length, 8);

  const worker = `
    process.env.MODELBENCH_STORE = ${JSON.stringify(file)};
    const mb = require(${JSON.stringify(path.join(__dirname, "..", "index.js"))});
    (async () => {
      const s = await mb.createStudy({ name: "shared", space: { x: mb.uniform(0, 1), k: mb.int(0, 3) }, sampler: "random" });
      await s.optimize(async (p) => { await new Promise((r) => setTimeout(r, 5)); return p.x; }, { trials: 30 });
    })();`;
  const procs = [0, 1, 2].map(() => spawn(process.execPath, ["-e", worker], { stdio: "inherit" }));
  await Promise.all(procs.map((p) => new Promise((r) => p.on("exit", r))));
  const shared = await createStudy({ name: "shared", space: { x: uniform(0, 1), k: int(0, 3) }, sampler: "random" });
  const numbers = shared.trials.map((t) => t.number);
  assert.deepEqual(numbers, Array.from({ length: 30 }, (_, i) => i)); // every trial once, none twice
  assert.equal(new Set(shared.trials.map((t) => JSON.stringify(t.params))).size, 30);
  assert.ok(shared.trials.every((t) => t.state === "complete"));
});

test("a worker killed mid-trial leaves its trial failed and the rest go on", async () => {
  const file = await freshStore();
  const worker = `
    process.env.MODELBENCH_STORE = ${JSON.stringify(file)};
    const mb = require(${JSON.stringify(path.join(__dirname, "..", "index.js"))});
    (async () => {
      const s = await mb.createStudy({ name: "victim", space: { x: mb.uniform(0, 1) }, sampler: "random" });
      await s.optimize(async () => { process.stdout.write("started\\n"); await new Promise(() => {}); }, { trials: 5 });
    })();`;
  const child = spawn(process.execPath, ["-e", worker], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((r) => child.stdout.on("data", () => r()));
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  const study = await createStudy({ name: "victim", space: { x: uniform(0, 1) }, sampler: "random" });
  const summary = await study.optimize((p) => p.x, { trials: 5 });
  assert.deepEqual(summary.recoveredOrphans, [0]);
  assert.deepEqual(study.trials.map((t) => t.state), ["failed", "complete", "complete", "complete", "complete"]);
  assert.match(study.trials[0].error!, /stopped before the trial ended/);
});

test("bad spaces and options are clear errors", async () => {
  await freshStore();
  assert.throws(() => toSpace({}), /search space is empty/);
  assert.throws(() => uniform(1, 1), /is empty: low must be below high/);
  assert.throws(() => logUniform(0, 1), /needs low > 0/);
  assert.throws(() => int(1, 5, { step: 0 }), /step must be a whole number/);
  assert.throws(() => choice([]), /at least one option/);
  assert.throws(() => toSpace({ a: uniform(0, 1).when("b", 1) }), /depends on 'b', which is not defined before it/);
  assert.throws(() => toSpace({ b: choice(["x"]), a: uniform(0, 1).when("b", "y") }), /can never take/);
  assert.throws(() => toSpace({ a: 3 as any }), /'a' is not a distribution/);
  await assert.rejects(() => createStudy({ space: quadratic, direction: "up" as any }), /"minimize" or "maximize"/);
  const s = await createStudy({ name: "dir", space: quadratic, sampler: "random" });
  await assert.rejects(() => s.optimize((p) => p.x, { trials: 0 }), /trials must be a whole number ≥ 1/);
  await assert.rejects(() => s.optimize(42 as any, { trials: 1 }), /must be a function/);
  await assert.rejects(() => createStudy({ name: "dir", space: quadratic, direction: "max" }), /already exists to minimize 'value'/);
});

test("worker processes load the objective module and share the study", async () => {
  const file = await freshStore();
  const dir = tmpDir();
  const mod = path.join(dir, "objective.js");
  fs.writeFileSync(mod, "exports.objective = async (p) => { await new Promise((r) => setTimeout(r, 10)); return (p.x - 1) ** 2; };\n");
  const { optimizeInProcesses } = await import("./index");
  const study = await createStudy({ name: "procs", space: { x: uniform(-3, 3) }, sampler: "tpe", seed: 0 });
  const summary = await optimizeInProcesses(study, mod, { trials: 12, processes: 3 });
  const trials = study.trials;
  assert.deepEqual(trials.map((t) => t.number), Array.from({ length: 12 }, (_, i) => i));
  assert.ok(trials.every((t) => t.state === "complete"));
  const pids = new Set((await b.rows(track.store(), "SELECT pid FROM trials")).map((r) => r.pid));
  assert.equal(pids.size, 3, "three worker processes took trials");
  assert.ok(summary.best!.value! < 1);
  const sweep = (await track.listRuns({ tags: ["sweep"] })).runs[0];
  assert.equal(sweep.status, "finished");
  assert.equal((await track.store().listRuns({ parentId: sweep.id })).length, 12, "every trial nests under the one sweep run");
  fs.writeFileSync(mod, "exports.nothing = 1;\n");
  const other = await createStudy({ name: "procs-bad", space: { x: uniform(-3, 3) }, sampler: "random" });
  await assert.rejects(() => optimizeInProcesses(other, mod, { trials: 2, processes: 2 }), /every worker failed: .*exports no objective function/);
  await assert.rejects(() => optimizeInProcesses(other, path.join(dir, "missing.js"), { trials: 2, processes: 1 }), /no objective module/);
});

test("four worker processes, one SIGKILLed mid-trial: every grid point taken once, every trial accounted for", async () => {
  await freshStore();
  const dir = tmpDir();
  const mod = path.join(dir, "objective.js");
  const flag = path.join(dir, "killed");
  // The first worker to reach point 5 claims the flag (an atomic create) and kills itself with SIGKILL mid-trial.
  fs.writeFileSync(mod, `const fs = require("fs");
exports.objective = async (p) => {
  await new Promise((r) => setTimeout(r, 40));
  if (p.i === 5) {
    try { fs.writeFileSync(${JSON.stringify(flag)}, String(process.pid), { flag: "wx" }); process.kill(process.pid, "SIGKILL"); } catch {}
  }
  await new Promise((r) => setTimeout(r, 40));
  return p.i;
};\n`);
  const { optimizeInProcesses } = await import("./index");
  const points = 24;
  const study = await createStudy({ name: "grid4", space: { i: int(0, points - 1) }, sampler: "grid" });
  const summary = await optimizeInProcesses(study, mod, { trials: points, processes: 4 });
  const killedPid = Number(fs.readFileSync(flag, "utf8"));
  const trials = study.trials;
  assert.deepEqual(trials.map((t) => t.number), Array.from({ length: points }, (_, i) => i), "every trial number once");
  assert.deepEqual(trials.map((t) => t.params.i as number).sort((x, y) => x - y), Array.from({ length: points }, (_, i) => i), "every grid point once, none twice");
  const failed = trials.filter((t) => t.state === "failed");
  assert.deepEqual(failed.map((t) => t.params.i), [5], "only the killed worker's trial failed");
  assert.match(failed[0].error!, new RegExp(`worker \\(pid ${killedPid}\\) stopped before the trial ended`));
  assert.equal(trials.filter((t) => t.state === "complete").length, points - 1);
  assert.deepEqual(summary.recoveredOrphans, [failed[0].number]);
  const pids = (await b.rows(track.store(), "SELECT DISTINCT pid FROM trials")).map((r) => r.pid);
  assert.equal(pids.length, 4, "four workers took trials");
  const runs = await track.store().listRuns({ tags: ["trial"] });
  assert.equal(runs.length, points, "one run per trial");
  assert.equal(new Set(runs.map((r) => r.params.i)).size, points);
});

test("ASHA across worker processes at different rungs: rungs decided on every worker's reports", async () => {
  await freshStore();
  const dir = tmpDir();
  const mod = path.join(dir, "objective.js");
  // Flat curves (value = x at every step), so each trial's rank is the same at every rung; steps take
  // different times in different workers, so workers sit at different rungs at once.
  fs.writeFileSync(mod, `const { TrialPruned } = require(${JSON.stringify(path.join(__dirname, "index.js"))});
const delay = 3 + (process.pid % 4) * 4;
exports.objective = async (p, trial) => {
  for (let step = 1; step <= 16; step++) {
    await new Promise((r) => setTimeout(r, delay));
    trial.report(p.x, step);
    if (trial.shouldPrune()) throw new TrialPruned();
  }
  return p.x;
};\n`);
  const { optimizeInProcesses } = await import("./index");
  const study = await createStudy({
    name: "asha4", space: { x: uniform(0, 1) }, sampler: "random", seed: 7, pruner: "asha", prunerOptions: { minResource: 1, reductionFactor: 2 },
  });
  await optimizeInProcesses(study, mod, { trials: 24, processes: 4 });
  const trials = study.trials;
  assert.equal(trials.length, 24);
  assert.ok(trials.every((t) => t.state === "complete" || t.state === "pruned"), "no trial lost");
  const pruned = trials.filter((t) => t.state === "pruned");
  assert.ok(pruned.length > 0, "ASHA pruned some trials");
  const rungs = new Set([1, 2, 4, 8, 16]);
  const valueAt = (t: (typeof trials)[number], step: number) => t.intermediate.get(step);
  for (const t of pruned) {
    const last = Math.max(...t.intermediate.keys());
    assert.ok(rungs.has(last), `trial ${t.number} stopped at step ${last}, a rung`);
    // Pruned there, so some other trial (of any worker) had a better value at that rung.
    const better = trials.filter((o) => o.number !== t.number && (valueAt(o, last) ?? Infinity) < valueAt(t, last)!);
    assert.ok(better.length > 0, `trial ${t.number} was pruned at rung ${last} though nobody beat it there`);
  }
  // The best trial is promotable at every rung, whatever the others had reported: it runs to the end.
  const best = trials.reduce((a, c) => ((c.params.x as number) < (a.params.x as number) ? c : a));
  assert.equal(best.state, "complete");
  assert.equal(best.intermediate.size, 16);
  const pids = (await b.rows(track.store(), "SELECT DISTINCT pid FROM trials")).map((r) => r.pid);
  assert.equal(pids.length, 4);
});

test("intermediate values, NaN included, are stored with the trial and read back", async () => {
  await freshStore();
  const study = await createStudy({ name: "curves", space: { x: uniform(0, 1) }, sampler: "random", seed: 5 });
  await study.optimize((p, trial) => {
    trial.report(NaN, 1);
    trial.report(p.x, 2);
    trial.report(p.x / 2, 4);
    return p.x;
  }, { trials: 2 });
  const again = await createStudy({ name: "curves", space: { x: uniform(0, 1) }, sampler: "random" });
  for (const t of again.trials) {
    assert.deepEqual([...t.intermediate.entries()].sort((a, b) => a[0] - b[0]), [[1, NaN], [2, t.params.x], [4, (t.params.x as number) / 2]]);
  }
});
}
