// What a run records of its environment: Node, the .venv's Python and the hashes of the project's locks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { captureEnvironment, lockHashes } from "./context";
import { packageRoot } from "../runtime/packageRoot";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

test("a run's environment records the .venv's Python and the sha256 of every lock of the project", (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mb-env-"));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "p", dependencies: { left: "1" } }),
    "package-lock.json": "{\"lockfileVersion\":3}\n",
    "requirements.lock": "jupyterlab==4.6.4 --hash=sha256:aa\n",
    "requirements-bench.lock": "mlflow==3.17.2 --hash=sha256:bb\n",
    "requirements.txt": "jupyterlab==4.6.4\n",
    "extension/package-lock.json": "{}\n",
    ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.11.2\n",
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  const env = captureEnvironment(root);
  assert.equal(env.python, "3.11.2");
  assert.equal(env.node, process.version);
  const locks = env.locks as Record<string, string>;
  assert.deepEqual(Object.fromEntries(Object.entries(locks).filter(([k]) => !k.startsWith("modelbench/"))), {
    "package-lock.json": sha(files["package-lock.json"]),
    "requirements-bench.lock": sha(files["requirements-bench.lock"]),
    "requirements.lock": sha(files["requirements.lock"]),
    "extension/package-lock.json": sha(files["extension/package-lock.json"]),
  });
  // This project is not the modelbench install running it (as a project mounted into the image is
  // not): the install's locks are recorded too, under modelbench/.
  const install = packageRoot();
  assert.equal(locks["modelbench/requirements.lock"], sha(fs.readFileSync(path.join(install, "requirements.lock"), "utf8")));
  assert.equal(locks["modelbench/package-lock.json"], sha(fs.readFileSync(path.join(install, "package-lock.json"), "utf8")));
  // A relock changes the recorded hash: that is how two runs tell they ran on different pins.
  fs.writeFileSync(path.join(root, "requirements.lock"), "jupyterlab==4.6.5 --hash=sha256:cc --hash=sha256:dd\n");
  assert.notEqual(lockHashes(root)["requirements.lock"], sha(files["requirements.lock"]));
});

test("a project without a .venv records the Python of the modelbench install that runs it", (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mb-env-"));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.writeFileSync(path.join(root, "package.json"), "{}");
  const cfg = path.join(packageRoot(), ".venv", "pyvenv.cfg");
  const want = fs.existsSync(cfg) ? /^version(?:_info)?\s*=\s*(\S+)/m.exec(fs.readFileSync(cfg, "utf8"))?.[1] ?? null : null;
  assert.equal(captureEnvironment(root).python, want);
});
