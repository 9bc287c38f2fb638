// Population-based training of a tfjs network with train(): each round continues from the member's
// checkpoint (weights and Adam's moments), or from a donor's after a copy.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as track from "../../track";
import { populationBasedTraining, trainRounds } from "./index";
import { logUniform } from "../space";
import { neuralBackend, MLPClassifier, type LayerWeights } from "../../neural";
import { train } from "../../train";
import { accuracy } from "../../metrics";
import { denseSplit } from "../../../tests/fixtures/modelData";

const digits = denseSplit("digits", "standardised");
const X = digits.Xtrain.slice(0, 300), y = digits.ytrain.slice(0, 300);
const Xval = digits.Xtest.slice(0, 200), yval = digits.ytest.slice(0, 200);

before(async () => {
  await neuralBackend();
  await track.useStore(`sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-pbt-nn-")), "store.db")}`);
});

test("PBT trains MLPClassifiers with train(): a copied member's next round starts from its donor's weights; every member a run", async () => {
  const starts = new Map<string, LayerWeights[]>();
  const ends = new Map<string, LayerWeights[]>();
  const round = trainRounds({
    model: (p) => new MLPClassifier({ hiddenLayers: [16], learningRate: p.learningRate, batchSize: 50, seed: 0 }),
    fit: (model, ctx) =>
      train(model, X, y, {
        epochs: ctx.interval, warmStart: true, progress: false,
        callbacks: [{ onTrainBegin: (tc) => void starts.set(`${ctx.member}:${ctx.round}`, tc.session.getWeights() as LayerWeights[]) }],
      }),
    score: (model, ctx) => {
      ends.set(`${ctx.member}:${ctx.round}`, model.getWeights());
      return accuracy(yval, model.predict(Xval));
    },
  });
  const r = await populationBasedTraining({ name: "mlp", space: { learningRate: logUniform(1e-4, 0.3) }, population: 4, rounds: 3, interval: 2, metric: "val_accuracy", direction: "max", seed: 0 }, round);
  assert.equal(r.lineage.length, 2, "one copy after each of the first two rounds");
  for (const e of r.lineage) assert.deepEqual(starts.get(`${e.member}:${e.round + 1}`), ends.get(`${e.donor}:${e.round}`), `#${e.member} goes on from #${e.donor}'s weights`);
  for (const m of r.members) {
    for (let k = 1; k < 3; k++) {
      if (r.lineage.some((e) => e.member === m.number && e.round === k - 1)) continue;
      assert.deepEqual(starts.get(`${m.number}:${k}`), ends.get(`${m.number}:${k - 1}`), `#${m.number} goes on from its own weights`);
    }
  }
  assert.ok(r.best.value > 0.8, `val_accuracy ${r.best.value}`);
  const sweep = (await track.listRuns({ tags: ["sweep"] })).runs.find((x) => x.name === "mlp")!;
  const members = (await track.store().listRuns({ parentId: sweep.id })).filter((k) => k.tags.includes("pbt-member"));
  assert.equal(members.length, 4);
  assert.ok(members.every((m) => m.metrics.val_accuracy?.count === 3));
});
