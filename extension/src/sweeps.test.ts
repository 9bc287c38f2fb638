// The Sweeps view's model against a fake kernel: what it asks, when it reads again (pushes of a
// sweep's runs, a poll while trials run), and what it keeps when the kernel says no.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunsModel } from "./model";
import { POLL_MS, SweepsModel, describeListing, type SweepsTimers } from "./sweeps";
import type { Incoming, RunSummary, StudyListing, StudyReport } from "./wire";

function fakeTimers() {
  const pending: Array<{ fn: () => void; ms: number; id: number }> = [];
  let next = 0;
  const timers: SweepsTimers = {
    setTimeout: (fn, ms) => {
      pending.push({ fn, ms, id: ++next });
      return next;
    },
    clearTimeout: (id) => {
      const i = pending.findIndex((p) => p.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const fire = (ms: number) => {
    for (const p of pending.filter((x) => x.ms === ms)) {
      pending.splice(pending.indexOf(p), 1);
      p.fn();
    }
  };
  return { timers, pending, fire };
}

function harness() {
  const runs = new RunsModel();
  const sent: Array<Record<string, any>> = [];
  runs.attach({ send: (d) => sent.push(d) }, "test kernel");
  const { timers, pending, fire } = fakeTimers();
  const sweeps = new SweepsModel(runs, timers);
  const last = (op: string) => [...sent].reverse().find((m) => m.op === op)!;
  const count = (op: string) => sent.filter((m) => m.op === op).length;
  const reply = (op: string, data: Record<string, unknown>) => runs.receive({ id: last(op).id, ...data } as Incoming);
  const settle = () => new Promise((r) => setImmediate(r));
  return { runs, sweeps, sent, last, count, reply, settle, pending, fire };
}

const counts = (c: Partial<StudyListing["counts"]> = {}) => ({ running: 0, complete: 0, pruned: 0, failed: 0, waiting: 0, ...c });
function listing(name: string, c: Partial<StudyListing["counts"]> = {}, best: number | string | null = null): StudyListing {
  return {
    study: { id: `${name}-id`, name, direction: "maximize", metric: "f1", directions: ["maximize"], metrics: ["f1"], space: [], sampler: "tpe", pruner: "hyperband", runId: null },
    createdAt: 1, updatedAt: 2, counts: counts(c), best: best as number | null,
  };
}
function report(name: string, c: Partial<StudyListing["counts"]> = {}): StudyReport {
  return {
    study: listing(name).study, counts: counts(c), kind: "search", best: [0], importance: null, notes: [], figures: [], lineage: [],
    trials: [{ number: 0, state: "complete", params: { lr: 0.1 }, value: "NaN" as unknown as number, values: null, startedAt: 1, endedAt: 2, runId: "r0", error: null, reports: 0, lastStep: null }],
  };
}
const trialRun = (tags: string[]): RunSummary => ({
  id: "t", name: "s#1", project: "p", parentId: null, status: "running", tags, notes: null, startedAt: 1, endedAt: null, durationMs: null,
  error: null, pid: 1, host: "h", seed: null, gitCommit: null, gitBranch: null, gitDirty: false, archived: false, params: {}, metrics: {},
});

test("loading lists the studies, then reads the newest one's report; numbers come back from their wire strings", async () => {
  const { sweeps, reply, last, settle } = harness();
  let announced = 0;
  sweeps.changed.connect(() => announced++);
  const loading = sweeps.load();
  await settle();
  reply("studies", { type: "studies", studies: [listing("newest", { complete: 3 }, "Infinity"), listing("older")] });
  await settle();
  assert.equal(last("study").name, "newest");
  reply("study", { type: "study", report: report("newest") });
  await loading;
  assert.equal(sweeps.selected, "newest");
  assert.equal(sweeps.studies![0].best, Infinity);
  assert.ok(Number.isNaN(sweeps.report!.trials[0].value));
  assert.equal(sweeps.error, null);
  assert.ok(announced >= 1);
  assert.equal(describeListing(sweeps.studies![0]), "newest — 3 trials");
});

test("selecting another study reads it; a study that is gone falls back to the newest", async () => {
  const { sweeps, reply, last, settle } = harness();
  const first = sweeps.load();
  await settle();
  reply("studies", { type: "studies", studies: [listing("a"), listing("b")] });
  await settle();
  reply("study", { type: "study", report: report("a") });
  await first;
  const selecting = sweeps.select("b");
  assert.equal(sweeps.report, null, "the old study's report is not shown under the new name");
  await settle();
  reply("studies", { type: "studies", studies: [listing("a"), listing("b")] });
  await settle();
  assert.equal(last("study").name, "b");
  reply("study", { type: "study", report: report("b") });
  await selecting;
  assert.equal(sweeps.report!.study.name, "b");
  const again = sweeps.load();
  await settle();
  reply("studies", { type: "studies", studies: [listing("a")] });
  await settle();
  assert.equal(last("study").name, "a");
  reply("study", { type: "study", report: report("a") });
  await again;
  assert.equal(sweeps.selected, "a");
});

test("a pushed run of a sweep reads again once per burst; other runs do not", async () => {
  const { runs, sweeps, reply, count, settle, pending, fire } = harness();
  const first = sweeps.load();
  await settle();
  reply("studies", { type: "studies", studies: [listing("s")] });
  await settle();
  reply("study", { type: "study", report: report("s", { complete: 1 }) });
  await first;
  assert.equal(pending.length, 0, "nothing running: no poll");
  runs.receive({ type: "changed", runs: [trialRun(["baseline"])] });
  assert.equal(pending.length, 0);
  runs.receive({ type: "changed", runs: [trialRun(["trial"])] });
  runs.receive({ type: "changed", runs: [trialRun(["pbt-member", "trial"])] });
  runs.receive({ type: "changed", runs: [trialRun(["sweep"])] });
  assert.equal(pending.length, 1, "one reload for the burst");
  fire(pending[0].ms);
  await settle();
  assert.equal(count("studies"), 2);
});

test("while trials run, the study is read again every few seconds (an untracked sweep pushes no runs); not once they end", async () => {
  const { sweeps, reply, count, settle, pending, fire } = harness();
  const first = sweeps.load();
  await settle();
  reply("studies", { type: "studies", studies: [listing("s", { running: 2 })] });
  await settle();
  reply("study", { type: "study", report: report("s", { running: 2 }) });
  await first;
  assert.deepEqual(pending.map((p) => p.ms), [POLL_MS]);
  fire(POLL_MS);
  await settle();
  assert.equal(count("studies"), 2);
  reply("studies", { type: "studies", studies: [listing("s", { complete: 2 })] });
  await settle();
  reply("study", { type: "study", report: report("s", { complete: 2 }) });
  await settle();
  assert.equal(pending.length, 0);
  sweeps.dispose();
});

test("a store without studies says why; a failed request is shown and the last report kept", async () => {
  const { sweeps, reply, settle } = harness();
  const first = sweeps.load();
  await settle();
  reply("studies", { type: "studies", studies: [], unsupported: "MLflow stores have no studies: use SQLite or PostgreSQL" });
  await first;
  assert.equal(sweeps.selected, null);
  assert.match(sweeps.unsupported!, /MLflow stores have no studies/);
  const second = sweeps.load();
  await settle();
  reply("studies", { type: "error", message: "the store is gone" });
  await second;
  assert.equal(sweeps.error, "the store is gone");
});
