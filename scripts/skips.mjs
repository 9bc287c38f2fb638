// Skipped tests in a test runner's output, and what `npm test` says and does about them: a skip is
// a check that did not run, so each is listed with its reason, and under CI=true it fails the run.
const sum = (text, re) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);

/** The skips in a node:test run's output (spec or tap reporter), attributed to `suite`. */
export function nodeSkips(suite, text) {
  const skipped = sum(text, /^(?:ℹ|#) skipped (\d+)$/gm);
  // The spec reporter marks each: "﹣ name (1.2ms) # reason"; the tap one "ok 3 - name # SKIP reason".
  const named = [...text.matchAll(/^\s*(?:﹣ (.+?) \([\d.]+m?s\) # (.*)|ok \d+ - (.+?) # SKIP ?(.*))$/gm)]
    .map((m) => ({ suite, name: m[1] ?? m[3], reason: m[2] ?? m[4] ?? "" }));
  const skips = named.slice(0, skipped);
  for (let i = named.length; i < skipped; i++) skips.push({ suite, name: "(a test the reporter did not name)", reason: "" });
  return skips;
}

/** The skips in a pytest run's output; -rs lists each: "SKIPPED [1] tests/protocol/test_x.py:12: reason". */
export function pytestSkips(text) {
  const skips = [];
  for (const m of text.matchAll(/^SKIPPED \[(\d+)\] ([^:]+:\d+): (.*)$/gm)) {
    for (let i = 0; i < Number(m[1]); i++) skips.push({ suite: "pytest", name: m[2], reason: m[3] });
  }
  return skips;
}

/** The lines that list the skips, and whether they fail the run (they do under CI=true). */
export function skipVerdict(skips, env = process.env) {
  if (!skips.length) return { lines: [], fails: false };
  const ci = env.CI === "true";
  return {
    lines: [
      `\n!! ${skips.length} test(s) SKIPPED${ci ? " (CI=true: a skip fails the run)" : ""}: each one is a check that did not run`,
      ...skips.map((s) => `!!   [${s.suite}] ${s.name}${s.reason ? ` — ${s.reason}` : ""}`),
    ],
    fails: ci,
  };
}
