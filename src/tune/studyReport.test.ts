// What the Sweeps view reads, on both store backends: the list of studies with counts and best
// values, one study's trials and figures (search, several objectives, PBT), trials another
// connection wrote, and the errors a user can meet.
import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import * as track from "../track";
import { openStore } from "../store/registry";
import { createStudy, uniform, choice, logUniform, TrialPruned, paramImportances, paretoFront, populationBasedTraining, listStudies, studyReport, type PbtRound } from "./index";
import { BACKENDS, type Backend } from "../../tests/support/backends";

for (const b of BACKENDS) suite(b);

function suite(b: Backend) {
  const test = (name: string, fn: () => unknown) => nodeTest(`${b.name}: ${name}`, fn as any);

  test("an empty store lists no studies; an unknown study is refused with the names there are", async () => {
    await track.useStore(await b.fresh());
    assert.deepEqual(await listStudies(track.store()), []);
    await assert.rejects(() => studyReport(track.store(), "nope"), /no study 'nope' in this store \(it has none yet: run a %%sweep\)/);
    const study = await createStudy({ name: "there", space: { x: uniform(0, 1) }, metric: "y", direction: "max", seed: 0 });
    await study.optimize((p) => p.x, { trials: 1 });
    await assert.rejects(() => studyReport(track.store(), "nope"), /no study 'nope' in this store: it has there/);
  });

  test("a search: counts and best in the list; trials, reports, best trial and every figure in the report; importance is fANOVA's", async () => {
    await track.useStore(await b.fresh());
    const space = { lr: logUniform(1e-3, 1), depth: choice([2, 4, 8]), noise: uniform(0, 1) };
    const score = (p: any) => 1 - Math.abs(Math.log10(p.lr) + 1) / 3 - 0.01 * p.noise;
    const study = await createStudy({ name: "search", space, metric: "f1", direction: "max", sampler: "random", pruner: "median", seed: 4 });
    await study.optimize(async (p: any, trial: any) => {
      if (trial.number === 5) throw new Error("out of memory");
      for (let step = 0; step < 3; step++) {
        trial.report(score(p) * (step + 1) / 3, step);
        if (trial.number > 6 && trial.shouldPrune()) throw new TrialPruned();
      }
      return score(p);
    }, { trials: 12 });

    const [listing] = await listStudies(track.store());
    const trials = study.trials;
    const complete = trials.filter((t) => t.state === "complete");
    assert.equal(listing.study.name, "search");
    assert.deepEqual(listing.study.metrics, ["f1"]);
    assert.equal(listing.counts.complete, complete.length);
    assert.equal(listing.counts.failed, 1);
    assert.equal(listing.counts.pruned, trials.filter((t) => t.state === "pruned").length);
    assert.equal(listing.best, Math.max(...complete.map((t) => t.value!)));
    assert.ok(listing.updatedAt >= listing.createdAt);

    const r = await studyReport(track.store(), "search");
    assert.equal(r.kind, "search");
    assert.equal(r.trials.length, 12);
    assert.deepEqual(r.trials.map((t) => t.state), trials.map((t) => t.state));
    assert.equal(r.trials[5].error, "Error: out of memory");
    assert.equal(r.trials[0].reports, 3);
    assert.equal(r.trials[0].lastStep, 2);
    assert.ok(r.trials.every((t) => t.runId && t.endedAt! >= t.startedAt));
    assert.deepEqual(r.best, [study.bestTrial!.number]);
    assert.deepEqual(r.figures.map((f) => f.key), ["history", "intermediate", "parallel", "importance"]);
    const history = r.figures.find((f) => f.key === "history")!.figure as any;
    assert.deepEqual(history.data[0].y, complete.map((t) => t.value));
    assert.deepEqual(r.importance, paramImportances(study.space, complete));
    assert.equal(Object.keys(r.importance!).sort().join(), "depth,lr,noise");
    assert.equal(Object.entries(r.importance!).sort((a, b) => b[1] - a[1])[0][0], "lr", "lr is what the score depends on");
  });

  test("few trials: importance waits for four complete ones and says so", async () => {
    await track.useStore(await b.fresh());
    const study = await createStudy({ name: "young", space: { x: uniform(0, 1) }, metric: "y", direction: "min", seed: 0 });
    await study.optimize((p) => p.x, { trials: 2 });
    const r = await studyReport(track.store(), "young");
    assert.equal(r.importance, null);
    assert.deepEqual(r.notes, ["importance: shown from 4 complete trials (2 so far)"]);
    assert.deepEqual(r.figures.map((f) => f.key), ["history", "parallel"]);
    assert.deepEqual(r.best, [study.bestTrial!.number], "minimize: the lower value");
  });

  test("several objectives: the Pareto front is the best, drawn as the Pareto figure (no single history)", async () => {
    await track.useStore(await b.fresh());
    const study = await createStudy({ name: "trade-off", space: { size: uniform(1, 100) }, directions: ["max", "min"], metrics: ["f1", "latency"], sampler: "random", seed: 2 });
    await study.optimize((p: any) => [1 - 1 / Math.sqrt(p.size), p.size * 0.3], { trials: 10 });
    const r = await studyReport(track.store(), "trade-off");
    assert.deepEqual(r.best, paretoFront(study.trials, study.directions).map((t) => t.number));
    assert.equal(r.best.length, 10, "on this line every trial is optimal");
    assert.deepEqual(r.figures.map((f) => f.key), ["pareto", "parallel", "importance"]);
    assert.deepEqual(r.trials[0].values, study.trials[0].values);
    const [listing] = await listStudies(track.store());
    assert.deepEqual(listing.study.directions, ["maximize", "minimize"]);
  });

  test("population-based training: the lineage as the members' runs record it, and the lineage figure", async () => {
    await track.useStore(await b.fresh());
    const round: PbtRound = (p: any, ctx) => {
      const total = ((ctx.checkpoint as number | null) ?? 0) + p.lr * ctx.interval;
      return { value: total, checkpoint: total };
    };
    const result = await populationBasedTraining({ name: "pbt", space: { lr: uniform(0.1, 10) }, population: 4, rounds: 3, interval: 2, metric: "total", direction: "max", seed: 1 }, round);
    const r = await studyReport(track.store(), "pbt");
    assert.equal(r.kind, "pbt");
    assert.ok(result.lineage.length > 0);
    assert.deepEqual(r.lineage, result.lineage.map((e) => ({ member: e.member, donor: e.donor, step: e.step })).sort((a, b) => a.step - b.step || a.member - b.member));
    const fig = r.figures.find((f) => f.key === "lineage")!.figure as any;
    assert.equal(fig.data.length, 5, "a line per member and the copies");
    assert.deepEqual(fig.data.slice(0, 4).map((t: any) => t.x), result.members.map(() => [2, 4, 6]));
    assert.equal(fig.data[4].name, "copied a checkpoint");
    assert.ok(!r.figures.some((f) => f.key === "history" || f.key === "intermediate"));
  });

  test("trials written through another connection (another process's worker) are read at once", async () => {
    const uri = await b.fresh();
    await track.useStore(uri);
    const study = await createStudy({ name: "shared", space: { x: uniform(0, 1) }, metric: "y", direction: "max", seed: 0 });
    await study.optimize((p) => p.x, { trials: 2 });
    const reader = openStore(uri);
    try {
      assert.equal((await studyReport(reader, "shared")).trials.length, 2);
      await study.optimize((p) => p.x, { trials: 5 }); // up to five in all
      const again = await studyReport(reader, "shared");
      assert.equal(again.trials.length, 5);
      assert.equal((await listStudies(reader))[0].counts.complete, 5);
    } finally {
      await reader.close();
    }
  });
}
