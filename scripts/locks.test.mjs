// The Python locks (locks.mjs): the committed ones match their requirements files, pin every
// package to one version with hashes, and a requirements file edited without relocking is refused
// with the command that fixes it, before pip is ever started.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LOCKS, installLock, lockProblem } from "./locks.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The requirement entries of a lock: name, version and hashes (a line may carry an environment marker). */
function entries(lockText) {
  const out = [];
  for (const block of lockText.replace(/\\\n\s*/g, " ").split("\n")) {
    const m = /^([A-Za-z0-9_.-]+)==(\S+?)(?:\s*;[^-]*)?\s(.*)$/.exec(block.trim());
    if (m) out.push({ name: m[1].toLowerCase().replace(/[-_.]+/g, "-"), version: m[2], hashes: m[3].match(/--hash=sha256:[0-9a-f]{64}/g) ?? [] });
  }
  return out;
}

test("each committed lock was made from its requirements files as they are now", () => {
  for (const spec of LOCKS) assert.equal(lockProblem(root, spec), null, spec.lock);
});

test("every package in every lock has an exact version and sha256 hashes, and the requirements' pins are kept", () => {
  for (const spec of LOCKS) {
    const pins = entries(readFileSync(join(root, spec.lock), "utf8"));
    assert.ok(pins.length > 20, `${spec.lock} has ${pins.length} entries`);
    for (const p of pins) assert.ok(p.hashes.length > 0, `${spec.lock}: ${p.name}==${p.version} has no hash`);
    for (const input of spec.inputs) {
      for (const line of readFileSync(join(root, input), "utf8").split("\n")) {
        const m = /^([A-Za-z0-9_.-]+)==(\S+)/.exec(line.trim());
        if (!m) continue;
        const name = m[1].toLowerCase().replace(/[-_.]+/g, "-");
        assert.ok(pins.some((p) => p.name === name && p.version === m[2]), `${spec.lock} does not pin ${name}==${m[2]} from ${input}`);
      }
    }
  }
  // requirements-dev.lock goes into .venv on top of requirements.lock: their shared packages agree.
  const base = new Map(entries(readFileSync(join(root, "requirements.lock"), "utf8")).map((p) => [`${p.name} ${p.version}`, p]));
  const baseNames = new Set([...base.values()].map((p) => p.name));
  for (const p of entries(readFileSync(join(root, "requirements-dev.lock"), "utf8"))) {
    if (baseNames.has(p.name)) assert.ok(base.has(`${p.name} ${p.version}`), `requirements-dev.lock moves ${p.name} to ${p.version}`);
  }
});

test("a requirements file edited without relocking is refused, naming the command, before pip runs", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "modelbench-locks-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of ["requirements.txt", "requirements.lock"]) copyFileSync(join(root, f), join(dir, f));
  const spec = LOCKS.find((l) => l.lock === "requirements.lock");
  assert.equal(lockProblem(dir, spec), null);
  appendFileSync(join(dir, "requirements.txt"), "rich==14.0.0\n");
  assert.match(lockProblem(dir, spec), /requirements\.txt changed since requirements\.lock was made .*node scripts\/lock\.mjs/);
  // The python given does not exist: had pip been started, the error would say so instead.
  const r = installLock(dir, join(dir, "no-venv", "bin", "python"), "requirements.lock");
  assert.equal(r.installed, false);
  assert.match(r.error, /changed since requirements\.lock was made/);
  rmSync(join(dir, "requirements.lock"));
  assert.match(lockProblem(dir, spec), /requirements\.lock is missing: run `node scripts\/lock\.mjs`/);
});
