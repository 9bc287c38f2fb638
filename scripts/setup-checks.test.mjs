// The set-up's decisions (setup-checks.mjs) on throwaway folders: tsc is skipped when
// nothing it compiles changed, and a .venv made for another folder is noticed, while one whose
// scripts start its Python through pip's /bin/sh trampoline (a long path, or one with a space) is not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildNeeded, markBuilt, scriptInterpreter, venvMovedFrom } from "./setup-checks.mjs";

function folder(t, prefix = "modelbench-setup-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(path, text = "", secondsAgo = 100) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  const at = Date.now() / 1000 - secondsAgo;
  utimesSync(path, at, at);
}

/** A project that was built: sources and config older than the build's stamp. */
function builtProject(t) {
  const root = folder(t);
  write(join(root, "src", "track", "run.ts"), "", 300);
  write(join(root, "kernel", "main.ts"), "", 300);
  write(join(root, "tests", "support", "ports.ts"), "", 300);
  write(join(root, "tsconfig.json"), "{}", 300);
  write(join(root, "package-lock.json"), "{}", 300);
  write(join(root, "dist", "kernel", "main.js"), "", 200);
  markBuilt(root, Date.now() - 200_000);
  return root;
}

test("tsc runs on a fresh clone, and not again while nothing it compiles changed", (t) => {
  const root = builtProject(t);
  assert.equal(buildNeeded(root), false, "an unchanged tree starts at once");
  // Files tsc does not compile: browser artifacts under tests/, notebooks, docs.
  write(join(root, "tests", "browser", "artifacts", "table-last.png"), "", 1);
  write(join(root, "tests", "browser", "runsTable.test.mjs"), "", 1);
  write(join(root, "notebooks", "00-welcome.ts.ipynb"), "", 1);
  assert.equal(buildNeeded(root), false, "only .ts under src/, kernel/ and tests/ count");

  const fresh = folder(t);
  write(join(fresh, "src", "index.ts"));
  assert.equal(buildNeeded(fresh), true, "never built");
});

test("tsc runs again when a source, tsconfig.json or the compiler changed, or the output is gone", (t) => {
  for (const changed of ["src/track/run.ts", "kernel/main.ts", "tests/support/ports.ts", "src/new/module.ts", "tsconfig.json", "package-lock.json"]) {
    const root = builtProject(t);
    write(join(root, changed), "changed", 1);
    assert.equal(buildNeeded(root), true, `${changed} changed`);
  }
  const root = builtProject(t);
  rmSync(join(root, "dist", "kernel", "main.js"));
  assert.equal(buildNeeded(root), true, "dist/ was cleaned");
});

test("a file saved while tsc ran is built again next time (the stamp is the build's start)", (t) => {
  const root = builtProject(t);
  const started = Date.now() - 50_000;
  write(join(root, "src", "track", "run.ts"), "saved during the build", 20);
  markBuilt(root, started);
  assert.equal(buildNeeded(root), true);
  markBuilt(root, Date.now());
  assert.equal(buildNeeded(root), false);
});

/** A .venv at `venv` whose bin/jupyter starts with `script`'s lines. */
function venvWith(venv, script) {
  write(join(venv, "bin", "python"), "");
  write(join(venv, "bin", "jupyter"), `${script}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom jupyter_core.command import main\n`);
  return venv;
}

test("a .venv whose scripts start its own python (any of python, python3, python3.11) is at home", (t) => {
  const root = folder(t);
  for (const python of ["python", "python3", "python3.11"]) {
    const venv = venvWith(join(root, python, ".venv"), `#!${join(root, python, ".venv", "bin", python)}`);
    assert.equal(venvMovedFrom(venv), null, python);
  }
  assert.equal(venvMovedFrom(join(root, "absent", ".venv")), null, "no .venv yet: nothing to say");
});

test("a .venv moved or copied from another folder is noticed, with the folder it was made for", (t) => {
  const root = folder(t);
  const venv = venvWith(join(root, "here", ".venv"), "#!/home/someone/old-clone/.venv/bin/python");
  assert.equal(venvMovedFrom(venv), "/home/someone/old-clone/.venv");
  const moved = venvWith(join(root, "moved", ".venv"), `#!/bin/sh\n'''exec' "/home/some one/old clone/.venv/bin/python" "$0" "$@"\n' '''`);
  assert.equal(venvMovedFrom(moved), "/home/some one/old clone/.venv", "a trampoline naming another folder is noticed too");
});

test("pip's /bin/sh trampoline (a path with a space, or too long for a shebang) is not taken for a moved .venv", (t) => {
  const spaced = venvWith(join(folder(t, "modelbench setup "), "my project", ".venv"), "");
  const python = join(spaced, "bin", "python");
  // What pip (distlib) writes when the interpreter's path has a space: quoted.
  venvWith(spaced, `#!/bin/sh\n'''exec' "${python}" "$0" "$@"\n' '''`);
  assert.equal(venvMovedFrom(spaced), null);

  // And when it is longer than a shebang may be (127 bytes): unquoted.
  const long = join(folder(t), "a".repeat(60), "b".repeat(60), ".venv");
  venvWith(long, `#!/bin/sh\n'''exec' ${join(long, "bin", "python3")} "$0" "$@"\n' '''`);
  assert.ok(join(long, "bin", "python3").length > 127);
  assert.equal(venvMovedFrom(long), null);
});

test("the interpreter a script names: shebang, quoted shebang, or the trampoline's exec line", () => {
  assert.equal(scriptInterpreter("#!/x/.venv/bin/python\nimport re"), "/x/.venv/bin/python");
  assert.equal(scriptInterpreter("#! /x/.venv/bin/python3 -E\n"), "/x/.venv/bin/python3");
  assert.equal(scriptInterpreter('#!"/x y/.venv/bin/python"\n'), "/x y/.venv/bin/python");
  assert.equal(scriptInterpreter(`#!/bin/sh\n'''exec' "/x y/.venv/bin/python" "$0" "$@"\n' '''\n`), "/x y/.venv/bin/python");
  assert.equal(scriptInterpreter("#!/bin/sh\necho hi\n"), "/bin/sh", "a plain shell script is just that");
});
