import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../../track";
import { populationBasedTraining, trainRounds, PbtError, type PbtRound, type LineageEvent } from "./index";
import { uniform, choice, logUniform } from "../space";
import { OptionError } from "../options";
import { fireInterrupt } from "../../runtime/interrupt";
import { Random } from "../../random";
import { toyRound, toyRandomSearch, optimalLr } from "../../../tests/support/pbtToy";

async function freshStore(): Promise<void> {
  await track.useStore(`sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-pbt-")), "store.db")}`);
}

before(freshStore);

interface Line {
  trace: number[];
  total: number;
}

/** Each round adds lr × interval to the line's total and notes who trained it: the checkpoint is the line. */
const lineRound: PbtRound = (params, ctx) => {
  const prev = (ctx.checkpoint as Line | null) ?? { trace: [], total: 0 };
  const total = prev.total + params.lr * ctx.interval;
  return { value: total, checkpoint: { trace: [...prev.trace, ctx.member], total } };
};

test("exploit: the bottom quantile takes a top member's checkpoint (a copy) and its explored params; lineage in the result", async () => {
  const seen: Array<{ round: number; member: number; checkpoint: Line | null; lr: number }> = [];
  const round: PbtRound = (params, ctx) => {
    seen.push({ round: ctx.round, member: ctx.member, checkpoint: ctx.checkpoint as Line | null, lr: params.lr });
    return lineRound(params, ctx);
  };
  const r = await populationBasedTraining({ name: "lines", space: { lr: uniform(0.1, 10), kind: choice(["a", "b", "c"]) }, population: 6, rounds: 4, interval: 2, direction: "max", metric: "total", seed: 3, resampleProbability: 0 }, round);
  assert.equal(r.members.length, 6);
  assert.ok(r.members.every((m) => m.state === "complete" && m.history.length === 4 && m.step === 8));
  // ⌈6 × 0.25⌉ = 2 copies after each round but the last.
  assert.equal(r.lineage.length, 2 * 3);
  for (let k = 0; k < 3; k++) {
    const events = r.lineage.filter((e) => e.round === k);
    const values = new Map(seen.filter((s) => s.round === k).map((s) => [s.member, r.members.find((m) => m.number === s.member)!.history[k].value]));
    const ranked = [...values].sort((a, b) => a[1] - b[1]).map(([m]) => m);
    assert.deepEqual(events.map((e) => e.member).sort(), ranked.slice(0, 2).sort(), `round ${k}: the two lowest copy`);
    for (const e of events) {
      assert.ok(ranked.slice(-2).includes(e.donor), `round ${k}: #${e.member} copies a top member, not #${e.donor}`);
      assert.equal(e.step, 2 * (k + 1));
      const next = seen.find((s) => s.round === k + 1 && s.member === e.member)!;
      const donorLine = seen.find((s) => s.round === k && s.member === e.donor)!;
      assert.deepEqual(next.checkpoint!.trace, [...(donorLine.checkpoint?.trace ?? []), e.donor], "it goes on from the donor's line");
      assert.ok(Math.abs(next.lr - (e.from.lr as number) * 1.2) < 1e-12 || Math.abs(next.lr - (e.from.lr as number) * 0.8) < 1e-12 || next.lr === 10 || next.lr === 0.1, "with the donor's lr × 1.2 or × 0.8");
      assert.deepEqual(e.to, r.members.find((m) => m.number === e.member)!.history[k + 1].params, "and trains with the explored params");
    }
  }
  // The line behind the best value is contiguous in steps and ends at its value.
  const line = r.line();
  assert.deepEqual(line.map((h) => h.step), [2, 4, 6, 8]);
  assert.equal(line.at(-1)!.value, r.best.value);
  assert.equal(r.best.value, Math.max(...r.members.map((m) => m.value)));
  const trace = (seen.find((s) => s.round === 3 && s.member === r.best.number)!.checkpoint as Line).trace;
  assert.deepEqual(trace, line.slice(0, 3).map((h) => h.member), "the best member's last checkpoint was trained by the line's members, in order");
  assert.ok(r.schedule()[0].fromStep === 0 && r.schedule().every((s, i, all) => i === 0 || s.fromStep > all[i - 1].fromStep));
  const text = (r as any)[Symbol.for("modelbench.mime")]()["text/plain"];
  assert.match(text, /PBT lines: maximize total — 6 members, 4 rounds, 6 copies/);
  const fig = (r.lineageFigure() as any)[Symbol.for("modelbench.mime")]()["application/vnd.plotly.v1+json"];
  assert.equal(fig.data.length, 7, "a line per member and one trace of dotted jumps");
  assert.equal(fig.data[6].x.length, 3 * 6, "three points (from, to, gap) per copy");
});

test("lineage in the store: every member a run under the study's run, params updated at each copy, copied_from logged at the step, the whole lineage as an artifact", async () => {
  await freshStore();
  const r = await populationBasedTraining({ name: "stored", space: { lr: logUniform(0.01, 1) }, population: 4, rounds: 3, interval: 1, direction: "max", metric: "score", seed: 1 }, lineRound);
  const sweep = (await track.listRuns({ tags: ["sweep"] })).runs;
  assert.equal(sweep.length, 1);
  assert.equal(sweep[0].status, "finished");
  assert.equal(sweep[0].params.scheduler, "pbt");
  assert.equal(sweep[0].params.population, 4);
  const kids = (await track.store().listRuns({ parentId: sweep[0].id })).filter((k) => k.tags.includes("pbt-member"));
  assert.equal(kids.length, 4);
  const lineage = (await track.loadArtifact(sweep[0].id, "pbt-lineage.json")) as { events: LineageEvent[]; members: Array<{ number: number; runId: string; final: Record<string, unknown> }> };
  assert.deepEqual(lineage.events, JSON.parse(JSON.stringify(r.lineage)));
  assert.equal(lineage.events.length, 2);
  for (const m of r.members) {
    const run = kids.find((k) => k.id === lineage.members.find((x) => x.number === m.number)!.runId)!;
    assert.equal(run.status, "finished");
    assert.equal(run.params.lr, m.params.lr, "the run's params are the member's last");
    assert.deepEqual(run.params.pbt_initial, m.initial);
    const score = await track.store().metricHistory(run.id, "score");
    assert.deepEqual(score.map((p) => p.step), [1, 2, 3]);
    const lrs = await track.store().metricHistory(run.id, "pbt.lr");
    assert.deepEqual(lrs.map((p) => p.value), m.history.map((h) => h.params.lr));
    const copies = r.lineage.filter((e) => e.member === m.number);
    const copied = await track.store().metricHistory(run.id, "pbt.copied_from");
    assert.deepEqual(copied.map((p) => [p.step, p.value]), copies.map((e) => [e.step, e.donor]));
    if (copies.length) assert.deepEqual(run.params.pbt_lineage, copies.map((e) => ({ round: e.round, step: e.step, donor: e.donor, params: e.to })));
  }
  const trials = r.study.trials;
  assert.ok(trials.every((t) => t.state === "complete"));
  assert.deepEqual(trials.map((t) => t.value), r.members.map((m) => m.value));
});

test("workers train members of a round at once; the outcome is the same as one at a time", async () => {
  const opts = { space: { lr: uniform(0.1, 10) }, population: 6, rounds: 4, direction: "max" as const, seed: 5, track: false };
  let inFlight = 0, most = 0;
  const slow: PbtRound = async (params, ctx) => {
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return lineRound(params, ctx);
  };
  const one = await populationBasedTraining({ ...opts, name: "w1" }, slow);
  assert.equal(most, 1);
  const three = await populationBasedTraining({ ...opts, name: "w3", workers: 3 }, slow);
  assert.equal(most, 3);
  assert.deepEqual(three.lineage, one.lineage);
  assert.deepEqual(three.members.map((m) => m.value), one.members.map((m) => m.value));
});

test("a member whose round throws fails and leaves the population; the rest go on and never copy from it", async () => {
  let calls = 0;
  const r = await populationBasedTraining({ name: "one-fails", space: { lr: uniform(1, 2) }, population: 4, rounds: 3, direction: "max", seed: 0, track: false }, (params, ctx) => {
    calls++;
    if (ctx.member === 2 && ctx.round === 1) throw new RangeError("diverged");
    return lineRound(params, ctx);
  });
  assert.equal(calls, 4 + 4 + 3);
  const failed = r.members.find((m) => m.number === 2)!;
  assert.equal(failed.state, "failed");
  assert.equal(failed.error, "RangeError: diverged");
  assert.ok(r.lineage.every((e) => e.donor !== 2 && (e.round === 0 || e.member !== 2)));
  assert.equal(r.study.trials.find((t) => t.number === 2)!.state, "failed");
  assert.equal(r.study.trials.filter((t) => t.state === "complete").length, 3);
});

test("bad input is a clear error: no checkpoint returned, options out of range or unknown, initial values outside the space", async () => {
  await assert.rejects(
    populationBasedTraining({ name: "no-ckpt", space: { lr: uniform(1, 2) }, population: 2, rounds: 2, track: true }, () => ({ value: 1 }) as any),
    (e: Error) => e instanceof PbtError && /must return \{ value, checkpoint \}, got \{"value":1\}/.test(e.message),
  );
  const sweep = (await track.listRuns({ tags: ["sweep"] })).runs.find((x) => x.name === "no-ckpt")!;
  assert.equal(sweep.status, "failed");
  const opts = { space: { lr: uniform(1, 2) }, rounds: 2, track: false };
  await assert.rejects(populationBasedTraining({ ...opts, quantile: 0.6 }, lineRound), (e: Error) => e instanceof OptionError && /quantile must be a number in \(0, 0\.5\], got 0\.6/.test(e.message));
  await assert.rejects(populationBasedTraining({ ...opts, population: 1 }, lineRound), /population must be a whole number ≥ 2, got 1/);
  await assert.rejects(populationBasedTraining({ ...opts, interval: 0 }, lineRound), /interval must be a whole number ≥ 1/);
  await assert.rejects(populationBasedTraining({ ...opts, perturbationFactors: [1.2] as any }, lineRound), /perturbationFactors must be two positive numbers/);
  await assert.rejects(populationBasedTraining({ ...opts, schedule: "x" } as any, lineRound), /population-based training has no option 'schedule'/);
  await assert.rejects(populationBasedTraining({ ...opts, mutate: ["momentum"] }, lineRound), (e: Error) => e instanceof PbtError && /mutate names 'momentum', which the space does not have \(lr\)/.test(e.message));
  await assert.rejects(populationBasedTraining({ ...opts, initial: { lr: 5 } }, lineRound), /initial lr = 5 is outside its distribution/);
  await assert.rejects(populationBasedTraining(opts, "nope" as any), /needs the round function/);
  await populationBasedTraining({ ...opts, name: "taken" }, lineRound);
  await assert.rejects(populationBasedTraining({ ...opts, name: "taken" }, lineRound), /study 'taken' already has 8 trials: .* choose another name/);
});

test("an interrupt stops after the rounds under way: trials fail as interrupted, the study's run is killed", async () => {
  await assert.rejects(
    populationBasedTraining({ name: "stop", space: { lr: uniform(1, 2) }, population: 3, rounds: 50 }, async (params, ctx) => {
      if (ctx.round === 2 && ctx.member === 1) fireInterrupt();
      await new Promise((r) => setTimeout(r, 1));
      return lineRound(params, ctx);
    }),
    (e: Error) => e.name === "KeyboardInterrupt" && /population-based training 'stop' was interrupted/.test(e.message),
  );
  const sweep = (await track.listRuns({ tags: ["sweep"] })).runs.find((x) => x.name === "stop")!;
  assert.equal(sweep.status, "killed");
  const study = await (await import("../study")).createStudy({ name: "stop", space: { lr: uniform(1, 2) } });
  assert.deepEqual(study.trials.map((t) => [t.state, t.error]), [["failed", "interrupted"], ["failed", "interrupted"], ["failed", "interrupted"]]);
});

test("trainRounds refuses a model that cannot checkpoint, before training it", async () => {
  let fitted = 0;
  const round = trainRounds({ model: () => ({ fit() {}, params: () => ({}) }), fit: () => void fitted++, score: () => 1 });
  await assert.rejects(
    populationBasedTraining({ name: "no-resume", space: { lr: uniform(1, 2) }, population: 2, rounds: 2, track: false }, round),
    (e: Error) => e instanceof PbtError && /Object cannot checkpoint: population-based training hands a member's training state to another, so the model needs checkpoint\(\) and restore\(state\)/.test(e.message),
  );
  assert.equal(fitted, 0);
  assert.throws(() => trainRounds({ model: () => 1 } as any), /'fit' is undefined/);
});

test("Ray Tune's toy problem (pbt_function.py): PBT finds the moving learning rate and beats random search of the same compute on every seed", async () => {
  // 8 members × 40 rounds × 5 steps, all starting at lr = 1e-4 as Ray's example; random search: 8 runs × 200 steps, lr ~ U(1e-4, 0.02).
  const space = { lr: uniform(0.0001, 0.02), some_other_factor: choice([1, 2]) };
  const pbt: number[] = [], random: number[] = [];
  for (let seed = 0; seed < 10; seed++) {
    const r = await populationBasedTraining({ name: `toy-${seed}`, space, initial: { lr: 0.0001, some_other_factor: 1 }, population: 8, rounds: 40, interval: 5, metric: "mean_accuracy", direction: "max", seed, track: false }, toyRound(new Random(seed)));
    pbt.push(r.best.value);
    random.push(toyRandomSearch(8, 200, new Random(1000 + seed)).best);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  pbt.forEach((v, seed) => assert.ok(v > random[seed], `seed ${seed}: PBT ${v.toFixed(1)} vs random search ${random[seed].toFixed(1)}`));
  assert.ok(median(pbt) > 2 * median(random), `median ${median(pbt).toFixed(1)} vs ${median(random).toFixed(1)}`);
  // Longer, the best line's schedule follows the triangle: its lr rises towards 0.01 near accuracy 100, then falls.
  const r = await populationBasedTraining({ name: "toy-schedule", space, initial: { lr: 0.0001, some_other_factor: 1 }, population: 8, rounds: 60, interval: 5, metric: "mean_accuracy", direction: "max", seed: 0, track: false }, toyRound(new Random(0)));
  const line = r.line();
  const lrNear = (lo: number, hi: number) => median(line.filter((h) => h.value >= lo && h.value < hi).map((h) => h.params.lr as number));
  assert.ok(lrNear(80, 130) > 2.5 * lrNear(200, Infinity), `lr near the peak ${lrNear(80, 130)} vs past 200 ${lrNear(200, Infinity)}`);
  assert.ok(Math.abs(Math.log(lrNear(200, Infinity) / optimalLr(250))) < Math.log(2), "past 200 it settles within 2× of the optimum 0.001");
});
