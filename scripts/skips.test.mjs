// The test runner's skip rules, on real node:test output and on pytest's -rs lines: a skipped test
// is listed with its reason, and under CI=true it fails the run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeSkips, pytestSkips, skipVerdict } from "./skips.mjs";

/** What node's test runner prints for a file with one passing and two skipped tests. */
function nodeOutput(reporter) {
  const file = join(mkdtempSync(join(tmpdir(), "mb-skips-")), "sample.test.mjs");
  writeFileSync(file, `import { test } from "node:test";
    test("runs", () => {});
    test("needs postgres", { skip: "initdb is not installed" }, () => {});
    test("needs mlflow", (t) => t.skip("MLflow is not installed"));`);
  // Not as a subtest of this run (which node signals to children through NODE_TEST_CONTEXT).
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return spawnSync(process.execPath, ["--test", `--test-reporter=${reporter}`, file], { encoding: "utf8", env }).stdout;
}

for (const reporter of ["spec", "tap"]) {
  test(`each skip in node:test's ${reporter} output is found, with its name and reason`, () => {
    assert.deepEqual(nodeSkips("unit", nodeOutput(reporter)), [
      { suite: "unit", name: "needs postgres", reason: "initdb is not installed" },
      { suite: "unit", name: "needs mlflow", reason: "MLflow is not installed" },
    ]);
  });
}

test("a skip the reporter did not name still counts", () => {
  assert.deepEqual(nodeSkips("unit", "ℹ pass 3\nℹ skipped 1\n"), [{ suite: "unit", name: "(a test the reporter did not name)", reason: "" }]);
  assert.deepEqual(nodeSkips("unit", "ℹ pass 3\nℹ skipped 0\n"), []);
});

test("pytest's -rs lines give one skip per test they count", () => {
  const out = "..s.\nSKIPPED [2] tests/protocol/test_sidebar_postgres.py:14: PostgreSQL is not installed\n3 passed, 2 skipped in 1.0s\n";
  const skip = { suite: "pytest", name: "tests/protocol/test_sidebar_postgres.py:14", reason: "PostgreSQL is not installed" };
  assert.deepEqual(pytestSkips(out), [skip, skip]);
});

test("skips are listed loudly; under CI=true they fail the run", () => {
  const skips = nodeSkips("unit", nodeOutput("spec"));
  const local = skipVerdict(skips, {});
  assert.equal(local.fails, false);
  assert.match(local.lines.join("\n"), /2 test\(s\) SKIPPED: each one is a check that did not run\n!! {3}\[unit\] needs postgres — initdb is not installed/);
  const ci = skipVerdict(skips, { CI: "true" });
  assert.equal(ci.fails, true);
  assert.match(ci.lines[0], /CI=true: a skip fails the run/);
  assert.deepEqual(skipVerdict([], { CI: "true" }), { lines: [], fails: false });
});
