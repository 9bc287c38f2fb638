import { test } from "node:test";
import assert from "node:assert/strict";
import { CommRegistry, CommError } from "./index";

test("frontend-opened comms reach their target and messages flow both ways", () => {
  const sent: unknown[] = [];
  const r = new CommRegistry();
  r.setTransport({ open: () => {}, send: (_c, data) => sent.push(data), close: (_c, data) => sent.push({ closed: data }) });
  const targets: string[][] = [];
  r.onTargetsChanged = (t) => targets.push(t);
  r.registerTarget("echo", (comm, data) => {
    comm.send({ hello: data });
    comm.onMsg((d) => comm.send({ echo: d }));
  });
  assert.deepEqual(targets, [["echo"]]);
  assert.equal(r.acceptOpen("c1", "nope", {}), false);
  assert.equal(r.acceptOpen("c1", "echo", { a: 1 }), true);
  r.get("c1")!.deliver({ b: 2 });
  r.get("c1")!.close();
  assert.deepEqual(sent, [{ hello: { a: 1 } }, { echo: { b: 2 } }, { closed: {} }]);
  assert.equal(r.get("c1"), undefined);
});

test("without a kernel, opening a comm says so", () => {
  assert.throws(() => new CommRegistry().open("x"), CommError);
});
