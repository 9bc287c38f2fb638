import { test } from "node:test";
import assert from "node:assert/strict";
import { TPESampler, defaultEiCandidates, defaultGamma, defaultWeights, optunaGamma, splitTrials } from "./tpe";
import { RandomSampler } from "./random";
import { choice, contains, int, logUniform, toSpace, uniform } from "../space";
import { OptionError } from "../options";
import { frozenTrial } from "../../../tests/support/trials";
import type { Direction, FrozenTrial, Sampler, Space } from "../types";

/** Ask/tell loop: `n` trials of `objective`; returns the trials. */
function optimise(sampler: Sampler, space: Space, objective: (p: Record<string, unknown>) => number, n: number, direction: Direction = "minimize"): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(space, trials, direction);
    trials.push(frozenTrial({ number: i, params, value: objective(params) }));
  }
  return trials;
}

const best = (trials: FrozenTrial[], direction: Direction = "minimize") => (direction === "minimize" ? Math.min : Math.max)(...trials.map((t) => t.value!));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const mixed = toSpace({
  x: uniform(-3, 3),
  lr: logUniform(1e-5, 1e-1),
  units: int(16, 256, { step: 16 }),
  batch: int(1, 512, { log: true }),
  drop: uniform(0, 0.5, { step: 0.05 }),
  opt: choice(["adam", "sgd", "rmsprop"]),
  momentum: uniform(0, 0.99).when("opt", "sgd"),
  nesterov: choice([true, false]).when("opt", "sgd"),
});
const mixedObjective = (p: Record<string, unknown>) =>
  ((p.x as number) - 1) ** 2 + (Math.log10(p.lr as number) + 3) ** 2 + Math.abs((p.units as number) - 128) / 64 + (p.opt === "sgd" ? 1 - (p.momentum as number) : 0.5);

test("tpe: the same seed gives the same suggestions, another seed others", () => {
  for (const multivariate of [false, true]) {
    const run = (seed: number) => optimise(new TPESampler({ seed, multivariate }), mixed, mixedObjective, 30).map((t) => t.params);
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5), run(6));
  }
});

test("tpe: suggestions stay in bounds and on steps, and conditional params appear exactly when enabled", () => {
  for (const multivariate of [false, true]) {
    const trials = optimise(new TPESampler({ seed: 11, multivariate, nStartupTrials: 5 }), mixed, mixedObjective, 60);
    for (const t of trials) {
      for (const spec of mixed) {
        const enabled = !spec.condition || spec.condition.values.includes(t.params[spec.condition.param]);
        assert.equal(spec.name in t.params, enabled, `${spec.name} in trial ${t.number}: ${JSON.stringify(t.params)}`);
        if (enabled) assert.ok(contains(spec.dist, t.params[spec.name]), `${spec.name} = ${t.params[spec.name]}`);
      }
      assert.equal(Object.keys(t.params).join(), mixed.map((s) => s.name).filter((n) => n in t.params).join(), "params in space order");
    }
  }
});

test("tpe: random search until nStartupTrials trials have finished", () => {
  const space = toSpace({ x: uniform(0, 1), k: int(0, 9) });
  const tpe = new TPESampler({ seed: 9, nStartupTrials: 4 });
  const random = new RandomSampler({ seed: 9 });
  const trials: FrozenTrial[] = [];
  // running and failed trials do not count towards the start-up
  trials.push(frozenTrial({ number: 0, params: { x: 0.5, k: 1 }, state: "running" }), frozenTrial({ number: 1, params: { x: 0.5, k: 1 }, state: "failed" }));
  for (let i = 2; i < 6; i++) {
    const p = tpe.sample(space, trials, "minimize");
    assert.deepEqual(p, random.sample(space));
    trials.push(frozenTrial({ number: i, params: p, value: i }));
  }
  assert.notDeepEqual(tpe.sample(space, trials, "minimize"), random.sample(space));
});

test("tpe: beats random search on a 1-D quadratic (median best over seeds)", () => {
  const space = toSpace({ x: uniform(-10, 10) });
  const objective = (p: Record<string, unknown>) => ((p.x as number) - 3.3) ** 2;
  const seeds = [1, 2, 3, 4, 5, 6, 7];
  const tpe = median(seeds.map((seed) => best(optimise(new TPESampler({ seed }), space, objective, 60))));
  const tpeMv = median(seeds.map((seed) => best(optimise(new TPESampler({ seed, multivariate: true }), space, objective, 60))));
  const random = median(seeds.map((seed) => best(optimise(new RandomSampler({ seed }), space, objective, 60))));
  assert.ok(tpe < random / 5, `TPE ${tpe} vs random ${random}`);
  assert.ok(tpeMv < random / 5, `multivariate TPE ${tpeMv} vs random ${random}`);
});

test("tpe: multivariate TPE beats random search on 6-D Rosenbrock and Ackley, which bench/tune does not report", () => {
  const space = toSpace(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, uniform(-2, 2)])));
  const xs = (p: Record<string, unknown>) => Array.from({ length: 6 }, (_, i) => p[`x${i}`] as number);
  const rosenbrock = (p: Record<string, unknown>) => {
    const x = xs(p);
    let s = 0;
    for (let i = 0; i < 5; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
    return s;
  };
  const ackley = (p: Record<string, unknown>) => {
    const x = xs(p);
    const sq = x.reduce((s, v) => s + v * v, 0) / 6;
    const cos = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / 6;
    return -20 * Math.exp(-0.2 * Math.sqrt(sq)) - Math.exp(cos) + 20 + Math.E;
  };
  const seeds = [1, 2, 3, 4, 5];
  for (const [name, objective] of [["Rosenbrock", rosenbrock], ["Ackley", ackley]] as const) {
    const tpe = median(seeds.map((seed) => best(optimise(new TPESampler({ seed, multivariate: true }), space, objective, 80))));
    const random = median(seeds.map((seed) => best(optimise(new RandomSampler({ seed }), space, objective, 80))));
    assert.ok(tpe < 0.7 * random, `${name}: multivariate TPE ${tpe} vs random ${random}`);
  }
});

test("tpe: EI candidates grow with the number of jointly modelled params, up to a cap", () => {
  assert.equal(defaultEiCandidates(1), 24, "one param (independent TPE): Optuna's 24");
  assert.ok(defaultEiCandidates(6) > defaultEiCandidates(2));
  assert.equal(defaultEiCandidates(1000), defaultEiCandidates(10), "bounded cost for wide spaces");
  // An explicit count still wins over the default, and is still checked.
  assert.throws(() => new TPESampler({ nEiCandidates: 0 }), OptionError);
  const space = toSpace({ a: uniform(0, 1), b: uniform(0, 1), c: uniform(0, 1) });
  const objective = (p: Record<string, unknown>) => (p.a as number) + (p.b as number) + (p.c as number);
  const run = (nEiCandidates?: number) => optimise(new TPESampler({ seed: 4, multivariate: true, nEiCandidates }), space, objective, 20).map((t) => t.params);
  assert.deepEqual(run(), run(defaultEiCandidates(3)));
  assert.notDeepEqual(run(), run(24));
});

test("tpe: maximises when asked to", () => {
  const space = toSpace({ x: uniform(-10, 10), c: choice(["a", "b", "c"]) });
  const objective = (p: Record<string, unknown>) => -(((p.x as number) + 4) ** 2) + (p.c === "b" ? 5 : 0);
  const trials = optimise(new TPESampler({ seed: 3 }), space, objective, 60, "maximize");
  const last = trials.slice(-20);
  assert.ok(best(trials, "maximize") > 4.5);
  assert.ok(last.filter((t) => t.params.c === "b").length >= 12, "the good choice dominates late suggestions");
});

test("tpe: a conditional param is modelled on the trials where it was active", () => {
  const space = toSpace({ kind: choice(["a", "b"]), x: uniform(0, 1).when("kind", "a"), y: uniform(0, 1).when("kind", "b") });
  // only kind=a trials carry x; its good values cluster at 0.8
  const objective = (p: Record<string, unknown>) => (p.kind === "a" ? Math.abs((p.x as number) - 0.8) : 0.4 + Math.abs((p.y as number) - 0.5));
  const trials = optimise(new TPESampler({ seed: 4 }), space, objective, 80);
  const lateX = trials.slice(-30).filter((t) => t.params.kind === "a").map((t) => t.params.x as number);
  assert.ok(lateX.length >= 10);
  assert.ok(Math.abs(median(lateX) - 0.8) < 0.1, `late x median ${median(lateX)}`);
});

test("tpe: split ranks complete trials first, pruned ones by how far they got, and ignores failed ones", () => {
  const t = (number: number, state: FrozenTrial["state"], value: number | null, curve: number[] = []) =>
    frozenTrial({ number, state, value, params: {}, intermediate: curve.map((v, i) => [i, v] as [number, number]) });
  const trials = [
    t(0, "complete", 5),
    t(1, "pruned", 0.1, [9, 0.1]), // pruned at step 1
    t(2, "complete", 1),
    t(3, "pruned", 50, [9, 9, 9, 50]), // pruned later, so ranks above trial 1 despite its value
    t(4, "failed", null),
    t(5, "running", null),
    t(6, "complete", 3),
  ];
  const nums = (xs: FrozenTrial[]) => xs.map((x) => x.number);
  let s = splitTrials(trials, 2, "minimize", true);
  assert.deepEqual(nums(s.below), [2, 6]);
  assert.deepEqual(nums(s.above), [0, 1, 3, 5]);
  s = splitTrials(trials, 4, "minimize", false);
  assert.deepEqual(nums(s.below), [0, 2, 3, 6]);
  assert.deepEqual(nums(s.above), [1]);
  s = splitTrials(trials, 1, "maximize", false);
  assert.deepEqual(nums(s.below), [0]);
});

test("tpe: default gamma (15%, at most 25), Optuna's gamma (10%) and weights", () => {
  assert.deepEqual([0, 1, 6, 7, 10, 30, 100, 166, 167, 1000].map(defaultGamma), [0, 1, 1, 2, 2, 5, 15, 25, 25, 25]);
  assert.deepEqual([0, 1, 10, 11, 100, 250, 1000].map(optunaGamma), [0, 1, 1, 2, 10, 25, 25]);
  // the default is what a sampler uses when given no gamma: the same suggestions as passing it
  const space = toSpace({ a: uniform(0, 1), b: uniform(0, 1) });
  const objective = (p: Record<string, unknown>) => ((p.a as number) - 0.3) ** 2 + ((p.b as number) - 0.7) ** 2;
  const run = (gamma?: (n: number) => number) => optimise(new TPESampler({ seed: 2, multivariate: true, gamma }), space, objective, 40).map((t) => t.params);
  assert.deepEqual(run(), run(defaultGamma));
  assert.notDeepEqual(run(), run(optunaGamma));
  assert.deepEqual(defaultWeights(3), [1, 1, 1]);
  const w = defaultWeights(35);
  assert.equal(w.length, 35);
  assert.ok(Math.abs(w[0] - 1 / 35) < 1e-12 && w[9] === 1 && w.slice(10).every((x) => x === 1));
  assert.ok(w.slice(0, 10).every((x, i, a) => i === 0 || x > a[i - 1]), "older trials ramp up");
});

test("tpe: bad options are clear errors", () => {
  assert.throws(() => new TPESampler({ nEiCandidates: 0 }), (e: Error) => e instanceof OptionError && /nEiCandidates must be a whole number ≥ 1, got 0/.test(e.message));
  assert.throws(() => new TPESampler({ priorWeight: -1 }), /priorWeight must be a number ≥ 0/);
  assert.throws(() => new TPESampler({ multivariate: "yes" as never }), /multivariate must be true or false/);
  assert.throws(() => new TPESampler({ gamma: 0.25 as never }), /gamma must be a function/);
  assert.throws(() => new TPESampler({ nStartup: 3 } as never), /no option 'nStartup'/);
  const space = toSpace({ x: uniform(0, 1) });
  const trials = [0, 1, 2].map((n) => frozenTrial({ number: n, params: { x: n / 3 }, value: n }));
  assert.throws(() => new TPESampler({ nStartupTrials: 0, gamma: () => NaN }).sample(space, trials, "minimize"), /gamma\(3\) returned NaN/);
  assert.throws(() => new TPESampler({ nStartupTrials: 0, weights: (n) => new Array(n).fill(-1) }).sample(space, trials, "minimize"), /weights\(\d\) must return/);
});
