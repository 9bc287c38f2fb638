import { test } from "node:test";
import assert from "node:assert/strict";
import { asLosses, crowdingDistance, dominates, hypervolume, nonDominatedSort, paretoFigure, paretoFront, selectByHypervolume } from "./pareto";
import { NSGAIISampler, eliteSelection } from "./samplers/nsga2";
import { TPESampler } from "./samplers/tpe";
import { RandomSampler } from "./samplers/random";
import { toSpace, uniform } from "./space";
import { frozenTrial } from "../../tests/support/trials";
import type { Direction, FrozenTrial, Sampler } from "./types";

test("dominance, non-dominated fronts and crowding distance (Deb et al.'s definitions)", () => {
  assert.ok(dominates([1, 2], [2, 2]));
  assert.ok(!dominates([1, 2], [1, 2]), "equal points do not dominate each other");
  assert.ok(!dominates([1, 3], [2, 2]));
  const pts = [[1, 5], [2, 3], [3, 1], [2, 4], [4, 4], [5, 5]];
  assert.deepEqual(nonDominatedSort(pts), [[0, 1, 2], [3], [4], [5]]);
  const cd = crowdingDistance([[1, 5], [2, 3], [3, 1]]);
  assert.equal(cd[0], Infinity);
  assert.equal(cd[2], Infinity);
  assert.equal(cd[1], (3 - 1) / 2 + (5 - 1) / 4);
  assert.deepEqual(asLosses([0.9, 12], ["maximize", "minimize"]), [-0.9, 12]);
});

test("hypervolume: exact in 2-D and 3-D, points outside the reference box ignored", () => {
  assert.equal(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]), 3 + 2 + 1);
  assert.equal(hypervolume([[1, 3], [2, 2], [3, 1], [3, 3]], [4, 4]), 6, "a dominated point adds nothing");
  assert.equal(hypervolume([[5, 0]], [4, 4]), 0);
  assert.equal(hypervolume([[0, 0, 0]], [1, 2, 3]), 6);
  // Two boxes overlapping in a 1×1×1 cube: 8 + 8 − 1.
  assert.equal(hypervolume([[0, 0, 1], [1, 1, 0]], [2, 2, 2]), 2 * 2 * 1 + 1 * 1 * 2 - 1 * 1 * 1);
  // Greedy subset selection keeps the points that span the front.
  assert.deepEqual(selectByHypervolume([[1, 3], [2, 2.9], [3, 1]], 2, [4, 4]).sort(), [0, 2]);
});

test("paretoFront keeps the trials no other beats in every objective, with each direction honoured", () => {
  const dirs: Direction[] = ["maximize", "minimize"]; // e.g. macro-F1 against latency
  const trials = [
    frozenTrial({ number: 0, params: { a: 0 }, value: 0.9 }),
    frozenTrial({ number: 1, params: { a: 1 }, value: 0.8 }),
    frozenTrial({ number: 2, params: { a: 2 }, value: 0.7 }),
    frozenTrial({ number: 3, params: { a: 3 }, value: 0.95 }),
    frozenTrial({ number: 4, params: { a: 4 } }),
  ];
  const values = [[0.9, 30], [0.8, 10], [0.7, 20], [0.95, 50]];
  trials.slice(0, 4).forEach((t, i) => (t.values = values[i]));
  assert.deepEqual(paretoFront(trials, dirs).map((t) => t.number), [0, 1, 3], "trial 2 is slower and worse than trial 1; 4 is running");
  const fig = paretoFigure(["f1_macro", "latency_ms"], dirs, trials);
  assert.deepEqual((fig.spec.data[1] as any).x, [0.8, 0.9, 0.95]);
  assert.match(fig.summary!, /Pareto front: 3 of 4 complete trials \(f1_macro \(max\) vs latency_ms \(min\)\)/);
  const three = paretoFigure(["a", "b", "c"], ["minimize", "minimize", "minimize"], trials.slice(0, 2).map((t) => ({ ...t, values: [1, 2, t.number] })));
  assert.equal((three.spec.data[0] as any).type, "splom");
});

test("eliteSelection fills by fronts and cuts the last by crowding distance", () => {
  const c = (n: number, losses: number[]) => ({ trial: frozenTrial({ number: n, value: 0 }), losses });
  const out = eliteSelection([c(0, [1, 5]), c(1, [2, 3]), c(2, [3, 1]), c(3, [2.1, 2.9]), c(4, [9, 9])], 4);
  assert.deepEqual(out.map((m) => m.trial.number).sort(), [0, 1, 2, 3]);
  assert.ok(out.every((m) => m.rank === 0));
  // One front of four; the two crowded middle points compete for the one place left.
  const cut = eliteSelection([c(0, [0, 4]), c(1, [1, 3]), c(2, [1.1, 2.9]), c(3, [4, 0])], 3);
  assert.equal(cut.length, 3);
  assert.ok(cut.some((m) => m.trial.number === 0) && cut.some((m) => m.trial.number === 3), "the ends of the front survive");
});

/** ZDT1 on `dims` inputs, both objectives minimised. */
function zdt1(p: Record<string, unknown>, dims: number): number[] {
  const x = Array.from({ length: dims }, (_, i) => p[`x${i}`] as number);
  const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (dims - 1);
  return [x[0], g * (1 - Math.sqrt(x[0] / g))];
}

function runMulti(sampler: Sampler, dims: number, n: number): FrozenTrial[] {
  const space = toSpace(Object.fromEntries(Array.from({ length: dims }, (_, i) => [`x${i}`, uniform(0, 1)])));
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(space, trials, "minimize", ["minimize", "minimize"]);
    const values = zdt1(params, dims);
    trials.push({ ...frozenTrial({ number: i, params, value: values[0] }), values });
  }
  return trials;
}

test("nsga2 and multi-objective TPE beat random search in hypervolume on a small ZDT1", () => {
  const hv = (ts: FrozenTrial[]) => hypervolume(paretoFront(ts, ["minimize", "minimize"]).map((t) => t.values!), [1.1, 11]);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const seeds = [1, 2, 3];
  const random = med(seeds.map((seed) => hv(runMulti(new RandomSampler({ seed }), 5, 200))));
  const nsga = med(seeds.map((seed) => hv(runMulti(new NSGAIISampler({ seed, populationSize: 20 }), 5, 200))));
  const tpe = med(seeds.map((seed) => hv(runMulti(new TPESampler({ seed, multivariate: true }), 5, 200))));
  assert.ok(nsga > random + 0.15, `nsga2 ${nsga} vs random ${random}`);
  assert.ok(tpe > random + 0.15, `tpe ${tpe} vs random ${random}`);
  // Generations: the first populationSize trials are random, children stay in bounds.
  const ts = runMulti(new NSGAIISampler({ seed: 4, populationSize: 10 }), 5, 40);
  assert.ok(ts.every((t) => Object.values(t.params).every((v) => (v as number) >= 0 && (v as number) <= 1)));
});
