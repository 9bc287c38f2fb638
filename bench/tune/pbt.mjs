// Population-based training against random search of the same compute, in one run:
//   1. Ray Tune's toy problem (python/ray/tune/examples/pbt_function.py, in tests/support/pbtToy.ts):
//      8 members, Ray's perturbation interval of 5 steps, every member starting at lr = 1e-4 as in
//      Ray's example; random search runs 8 learning rates drawn from U(1e-4, 0.02) for as many
//      steps. Best "accuracy" at three budgets, over seeds.
//   2. A network: MLPClassifier (one hidden layer of 32) on the digits fixture, learning rate and L2
//      penalty searched; PBT trains 8 members in rounds of 2 epochs with train({ warmStart: true }),
//      random search trains 8 models for as many epochs each. Selected on a validation split,
//      reported on the held-out test split.
// Nothing is asserted here (the toy's claim is a unit test in src/tune/pbt/population.test.ts).
//
//   npx tsc -p tsconfig.json && node bench/tune/pbt.mjs [--seeds 20] [--net-seeds 5]
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const dist = (p) => require(join(root, "dist", p));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SEEDS = arg("seeds", 20);
const NET_SEEDS = arg("net-seeds", 5);

const track = dist("src/track/index.js");
const tune = dist("src/tune/index.js");
const { Random } = dist("src/random/index.js");
const toy = dist("tests/support/pbtToy.js");
const neural = dist("src/neural/index.js");
const { train } = dist("src/train/index.js");
const { accuracy } = dist("src/metrics/index.js");
const { denseSplit } = dist("tests/fixtures/modelData.js");

await track.useStore(`sqlite://${join(mkdtempSync(join(tmpdir(), "mb-bench-pbt-")), "store.db")}`);
const safeAccuracy = (y, p) => (p.some((v) => v === undefined) ? -1 : accuracy(y, p));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const quartiles = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
  return [q(0.25), q(0.75)];
};
const results = { toy: [], network: [] };

// ---------------------------------------------------------------------------------------------
console.log(`### Ray Tune's PBT toy problem: best accuracy, ${SEEDS} seeds (8 members, interval 5 steps)\n`);
console.log("| steps per member | PBT median [IQR] | random search median [IQR] | PBT better on | PBT past 200 (Ray's 'done') | random past 200 | ms per PBT run |");
console.log("|---:|---:|---:|---:|---:|---:|---:|");
const space = { lr: tune.uniform(0.0001, 0.02), some_other_factor: tune.choice([1, 2]) };
for (const rounds of [20, 40, 80]) {
  const pbt = [], rs = [];
  let ms = 0;
  for (let seed = 0; seed < SEEDS; seed++) {
    const t0 = performance.now();
    const r = await tune.populationBasedTraining(
      { name: `toy-${rounds}-${seed}`, space, initial: { lr: 0.0001, some_other_factor: 1 }, population: 8, rounds, interval: 5, metric: "mean_accuracy", direction: "max", seed, track: false },
      toy.toyRound(new Random(seed)),
    );
    ms += performance.now() - t0;
    pbt.push(r.best.value);
    rs.push(toy.toyRandomSearch(8, rounds * 5, new Random(1000 + seed)).best);
  }
  const wins = pbt.filter((v, i) => v > rs[i]).length;
  const fmt = (xs) => `${median(xs).toFixed(1)} [${quartiles(xs).map((v) => v.toFixed(1)).join(", ")}]`;
  console.log(`| ${rounds * 5} | ${fmt(pbt)} | ${fmt(rs)} | ${wins}/${SEEDS} | ${pbt.filter((v) => v > 200).length}/${SEEDS} | ${rs.filter((v) => v > 200).length}/${SEEDS} | ${(ms / SEEDS).toFixed(0)} |`);
  results.toy.push({ stepsPerMember: rounds * 5, pbt, randomSearch: rs, msPerPbtRun: ms / SEEDS });
}

// ---------------------------------------------------------------------------------------------
await neural.neuralBackend();
const digits = denseSplit("digits", "standardised");
const nVal = Math.floor(digits.Xtrain.length / 4);
const Xtr = digits.Xtrain.slice(nVal), ytr = digits.ytrain.slice(nVal);
const Xval = digits.Xtrain.slice(0, nVal), yval = digits.ytrain.slice(0, nVal);
const netSpace = { learningRate: tune.logUniform(1e-4, 0.3), alpha: tune.logUniform(1e-6, 1e-1) };
const ROUNDS = 6, INTERVAL = 2, POP = 8;
const makeModel = (p, seed) => new neural.MLPClassifier({ hiddenLayers: [32], learningRate: p.learningRate, alpha: p.alpha, batchSize: 64, seed });
console.log(`\n### MLPClassifier on digits (${Xtr.length} train, ${Xval.length} validation, ${digits.Xtest.length} test rows): ${POP} members × ${ROUNDS * INTERVAL} epochs each, ${NET_SEEDS} seeds\n`);
console.log("| seed | PBT val acc | PBT test acc | random search val acc | random search test acc | PBT s | random search s |");
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (let seed = 0; seed < NET_SEEDS; seed++) {
  let t0 = performance.now();
  const r = await tune.populationBasedTraining(
    { name: `mlp-${seed}`, space: netSpace, population: POP, rounds: ROUNDS, interval: INTERVAL, metric: "val_accuracy", direction: "max", seed, track: false },
    tune.trainRounds({
      model: (p) => makeModel(p, seed),
      fit: (m, ctx) => train(m, Xtr, ytr, { epochs: ctx.interval, warmStart: true, progress: false, log: false }),
      score: (m) => safeAccuracy(yval, m.predict(Xval)),
    }),
  );
  // The best member's final model, rebuilt from its checkpoint, on the test split.
  const best = await makeModel(r.best.params, seed).restore(r.best.checkpoint);
  const pbtTest = accuracy(digits.ytest, best.predict(digits.Xtest));
  best.dispose();
  const pbtSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const sampler = new tune.RandomSampler({ seed });
  const space = tune.toSpace(netSpace);
  let rsBest = { val: -1, test: 0 };
  for (let i = 0; i < POP; i++) {
    const p = sampler.sample(space);
    const m = makeModel(p, seed);
    await train(m, Xtr, ytr, { epochs: ROUNDS * INTERVAL, progress: false, log: false });
    // A diverged network (NaN weights) predicts no class: it scores as a failed PBT member does, not at all.
    const val = safeAccuracy(yval, m.predict(Xval));
    if (val > rsBest.val) rsBest = { val, test: safeAccuracy(digits.ytest, m.predict(digits.Xtest)) };
    m.dispose();
  }
  const rsSeconds = (performance.now() - t0) / 1000;
  console.log(`| ${seed} | ${r.best.value.toFixed(4)} | ${pbtTest.toFixed(4)} | ${rsBest.val.toFixed(4)} | ${rsBest.test.toFixed(4)} | ${pbtSeconds.toFixed(1)} | ${rsSeconds.toFixed(1)} |`);
  results.network.push({ seed, pbt: { val: r.best.value, test: pbtTest, seconds: pbtSeconds, schedule: r.schedule() }, randomSearch: { ...rsBest, seconds: rsSeconds } });
}
const net = results.network;
console.log(`\nmedian test accuracy: PBT ${median(net.map((n) => n.pbt.test)).toFixed(4)}, random search ${median(net.map((n) => n.randomSearch.test)).toFixed(4)}; PBT better on ${net.filter((n) => n.pbt.test > n.randomSearch.test).length}/${net.length} seeds`);
mkdirSync(join(root, "bench", "results"), { recursive: true });
writeFileSync(join(root, "bench", "results", "pbt.json"), JSON.stringify(results, null, 1));
console.log("\nraw numbers: bench/results/pbt.json");
