// The contract every model-based sampler keeps (GP, CMA-ES, NSGA-II), one test looping over them:
// values inside their distributions and on their steps, conditional params exactly when enabled,
// the same seed giving the same suggestions, and a search that beats random search by a margin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GPSampler } from "./gp";
import { CmaEsSampler } from "./cmaes";
import { NSGAIISampler } from "./nsga2";
import { RandomSampler } from "./random";
import { choice, contains, int, logUniform, toSpace, uniform } from "../space";
import { frozenTrial } from "../../../tests/support/trials";
import type { Direction, FrozenTrial, Sampler, Space } from "../types";

const SAMPLERS: Record<string, (seed: number) => Sampler> = {
  gp: (seed) => new GPSampler({ seed, nCandidates: 256 }),
  cmaes: (seed) => new CmaEsSampler({ seed }),
  nsga2: (seed) => new NSGAIISampler({ seed, populationSize: 8 }),
};

function optimise(sampler: Sampler, space: Space, objective: (p: Record<string, any>) => number, n: number, direction: Direction = "minimize"): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(space, trials, direction);
    trials.push(frozenTrial({ number: i, params, value: objective(params) }));
  }
  return trials;
}

const mixed = toSpace({
  x: uniform(-3, 3),
  lr: logUniform(1e-5, 1e-1),
  units: int(16, 256, { step: 16 }),
  batch: int(1, 512, { log: true }),
  drop: uniform(0, 0.5, { step: 0.05 }),
  opt: choice(["adam", "sgd", "rmsprop"]),
  momentum: uniform(0, 0.99).when("opt", "sgd"),
});
const mixedObjective = (p: Record<string, any>) => (p.x - 1) ** 2 + (Math.log10(p.lr) + 3) ** 2 + Math.abs(p.units - 128) / 64 + Math.abs(Math.log2(p.batch) - 5) / 4 + (p.opt === "sgd" ? 1 - p.momentum : 0.5);

for (const [name, make] of Object.entries(SAMPLERS)) {
  test(`${name}: values in bounds, on steps and log scales; conditional params exactly when enabled`, () => {
    const trials = optimise(make(3), mixed, mixedObjective, 40);
    for (const t of trials) {
      for (const spec of mixed) {
        const enabled = !spec.condition || spec.condition.values.includes(t.params[spec.condition.param]);
        assert.equal(spec.name in t.params, enabled, `${spec.name} in trial ${t.number}: ${JSON.stringify(t.params)}`);
        if (enabled) assert.ok(contains(spec.dist, t.params[spec.name]), `${spec.name} = ${t.params[spec.name]}`);
      }
      assert.deepEqual(Object.keys(t.params), mixed.map((s) => s.name).filter((n) => n in t.params), "params in space order");
    }
    // The model ran (not only random start-up draws): later trials concentrate near lr = 1e-3.
    const late = trials.slice(-10).map((t) => Math.abs(Math.log10(t.params.lr as number) + 3));
    assert.ok(late.reduce((a, b) => a + b, 0) / late.length < 1.2, `late trials' |log10 lr + 3|: ${late.join(", ")}`);
  });

  test(`${name}: the same seed gives the same suggestions, another seed others`, () => {
    const run = (seed: number) => optimise(make(seed), mixed, mixedObjective, 25).map((t) => t.params);
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5), run(6));
  });

  test(`${name}: beats random search on a 3-D quadratic with a log-scale param, by a margin (median over seeds)`, () => {
    const space = toSpace({ a: uniform(-5, 5), b: uniform(-5, 5), lr: logUniform(1e-4, 1) });
    const f = (p: Record<string, any>) => (p.a - 1.2) ** 2 + 2 * (p.b + 0.7) ** 2 + (Math.log10(p.lr) + 2.5) ** 2;
    const seeds = [1, 2, 3, 4, 5];
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const bestOf = (s: Sampler) => Math.min(...optimise(s, space, f, 60).map((t) => t.value!));
    const ours = med(seeds.map((seed) => bestOf(make(seed))));
    const random = med(seeds.map((seed) => bestOf(new RandomSampler({ seed }))));
    assert.ok(ours < random / 5, `${name} ${ours} vs random ${random}`);
  });

  test(`${name}: maximises when asked to`, () => {
    const space = toSpace({ x: uniform(0, 10), y: uniform(0, 10) });
    const trials = optimise(make(2), space, (p) => -((p.x - 7) ** 2) - (p.y - 2) ** 2, 50, "maximize");
    const best = trials.reduce((a, b) => (b.value! > a.value! ? b : a));
    assert.ok(best.value! > -0.5, `best ${best.value} at ${JSON.stringify(best.params)}`);
  });
}

test("gp: refuses a space of categorical params only, saying what to use", () => {
  const gp = new GPSampler({ seed: 1 });
  assert.throws(() => gp.validate(toSpace({ opt: choice(["adam", "sgd"]), act: choice(["relu", "tanh"]) })), /every parameter of this space is categorical \(opt, act\): use --sampler tpe/);
  gp.validate(toSpace({ opt: choice(["adam", "sgd"]), lr: logUniform(1e-4, 1) }));
});

test("gp: a categorical param among numeric ones is modelled (Hamming distance) and its best choice found", () => {
  const space = toSpace({ x: uniform(-2, 2), kind: choice(["a", "b", "c"]) });
  const f = (p: Record<string, any>) => p.x ** 2 + (p.kind === "b" ? 0 : 1);
  const trials = optimise(new GPSampler({ seed: 4, nCandidates: 256 }), space, f, 30);
  const late = trials.slice(-8);
  assert.ok(late.filter((t) => t.params.kind === "b").length >= 6, late.map((t) => t.params.kind).join());
});

test("gp: running trials push the next suggestion away from them (kriging believer)", () => {
  const space = toSpace({ x: uniform(0, 1) });
  const f = (p: Record<string, any>) => (p.x - 0.3) ** 2;
  const done = optimise(new GPSampler({ seed: 8, nCandidates: 256 }), space, f, 15);
  const next = new GPSampler({ seed: 9, nCandidates: 256 });
  const a = next.sample(space, done, "minimize").x as number;
  const withRunning = [...done, frozenTrial({ number: 15, params: { x: a } })];
  const b = new GPSampler({ seed: 9, nCandidates: 256 }).sample(space, withRunning, "minimize").x as number;
  assert.ok(Math.abs(a - b) > 1e-3, `${a} and ${b}`);
});

test("cmaes: tells a generation when its population is complete, and restarts (IPOP) with a doubled population once converged", () => {
  const space = toSpace({ x: uniform(-1, 1), y: uniform(-1, 1) });
  const s = new CmaEsSampler({ seed: 1 });
  optimise(s, space, (p) => p.x ** 2 + p.y ** 2, 600);
  const p = s.progress!;
  assert.ok(p.restarts >= 1, `restarts ${p.restarts}`);
  assert.equal(p.populationSize, 5 * 2 ** p.restarts, "4 + ⌊2 ln 2⌋ = 5, doubled at each restart");
});

test("cmaes: starts from the best of earlier trials it did not ask (warm start)", () => {
  const space = toSpace({ x: uniform(0, 10), y: uniform(0, 10) });
  const f = (p: Record<string, any>) => (p.x - 8.5) ** 2 + (p.y - 1.5) ** 2;
  const earlier = optimise(new RandomSampler({ seed: 3 }), space, f, 40);
  const s = new CmaEsSampler({ seed: 2 });
  const trials = [...earlier];
  for (let i = 0; i < 12; i++) {
    const params = s.sample(space, trials, "minimize");
    trials.push(frozenTrial({ number: trials.length, params, value: f(params) }));
  }
  const cold = optimise(new CmaEsSampler({ seed: 2, warmStart: false }), space, f, 12);
  const dist = (ts: FrozenTrial[]) => ts.reduce((a, t) => a + Math.hypot((t.params.x as number) - 8.5, (t.params.y as number) - 1.5), 0) / ts.length;
  assert.ok(dist(trials.slice(40)) < dist(cold) / 2, `warm ${dist(trials.slice(40))} vs cold ${dist(cold)}`);
});

test("bad sampler options are clear errors", () => {
  assert.throws(() => new GPSampler({ nCandidate: 5 } as any), /GPSampler has no option 'nCandidate'; its options are seed, nStartupTrials, nCandidates/);
  assert.throws(() => new CmaEsSampler({ restart: "bipop" as any }), /unknown CmaEsSampler restart "bipop": use one of "ipop", "none"/);
  assert.throws(() => new CmaEsSampler({ sigma0: 0 }), /sigma0 must be a number in \(0, 1\]/);
});
