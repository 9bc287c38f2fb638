// Picks the tfjs backend once per process. Native TensorFlow (@tensorflow/tfjs-node) when the
// set-up built it into .data/tfjs-node (its own install cannot download here, and node_modules'
// name is an npm alias of plain tfjs for danfojs) or a real install sits in node_modules; else
// plain tfjs on the WebAssembly backend, 20–30× faster than the pure-JS "cpu" backend.
// MODELBENCH_BACKEND=wasm|cpu|tensorflow asks for one; `neuralBackend()` says which runs and why.
import * as fs from "fs";
import * as path from "path";
import type * as TF from "@tensorflow/tfjs";
import { ModelbenchError } from "../errors";
import { packageRoot } from "../runtime/packageRoot";

export type Tf = typeof TF;

export interface BackendInfo {
  /** The npm package the tensors come from. */
  package: "@tensorflow/tfjs-node" | "@tensorflow/tfjs";
  /** tfjs's backend name: "tensorflow", "wasm" or "cpu". */
  backend: string;
  /** Why a slower backend is in use, when it is (or that MODELBENCH_BACKEND chose it). */
  note?: string;
}

/** MODELBENCH_BACKEND asked for a backend that cannot start. */
export class BackendUnavailableError extends ModelbenchError {}

const STATE = Symbol.for("modelbench.neuralBackend");
interface State {
  tf?: Tf;
  info?: BackendInfo;
  starting?: Promise<BackendInfo>;
  warned?: boolean;
  /** Why native TensorFlow is not used (absent, or failed to load). */
  nativeProblem?: string;
}
const state = (): State => ((globalThis as any)[STATE] ??= {});

const SETUP_HINT = "run `node scripts/setup.mjs` in the modelbench folder: it builds @tensorflow/tfjs-node from PyPI's tensorflow-cpu wheel into .data/tfjs-node";

/** The backend MODELBENCH_BACKEND asks for, or null for "the best there is". */
function requested(): "tensorflow" | "wasm" | "cpu" | null {
  const v = (process.env.MODELBENCH_BACKEND ?? "").trim().toLowerCase();
  if (v === "" || v === "auto") return null;
  if (v === "tensorflow" || v === "wasm" || v === "cpu") return v;
  throw new BackendUnavailableError(`MODELBENCH_BACKEND=${v} is not a backend: use tensorflow, wasm, cpu or auto (or unset it)`);
}

/**
 * The folder of a real @tensorflow/tfjs-node with its addon built, or null. MODELBENCH_TFJS_NODE_DIR
 * points at another build (the set-up's is <project>/.data/tfjs-node/node_modules/@tensorflow/tfjs-node).
 */
export function nativePackageDir(): string | null {
  const built = process.env.MODELBENCH_TFJS_NODE_DIR || path.join(packageRoot(), ".data", "tfjs-node", "node_modules", "@tensorflow", "tfjs-node");
  if (fs.existsSync(path.join(built, "lib", "napi-v8", "tfjs_binding.node"))) return built;
  try {
    const file = require.resolve("@tensorflow/tfjs-node/package.json");
    if (JSON.parse(fs.readFileSync(file, "utf8")).name === "@tensorflow/tfjs-node") return path.dirname(file);
  } catch {
    /* not installed */
  }
  return null;
}

/** True when native TensorFlow is present (not an alias that resolves to plain tfjs). */
export function nativePackageInstalled(): boolean {
  return nativePackageDir() !== null;
}

/** Loads tfjs-node, or says why it cannot (kept for `neuralBackend()`'s note). */
function loadNative(): Tf | null {
  const s = state();
  const want = requested();
  if (want === "wasm" || want === "cpu") {
    s.nativeProblem = `MODELBENCH_BACKEND=${want} chose it`;
    return null;
  }
  const dir = nativePackageDir();
  if (!dir) {
    s.nativeProblem = `native TensorFlow (@tensorflow/tfjs-node) is not built: ${SETUP_HINT}`;
    return null;
  }
  // TensorFlow's log lines would land in a notebook cell's stderr (the two it writes before its
  // logging starts, which this cannot silence, the kernel drops: kernel/nativeNotices.ts). oneDNN's
  // custom ops stay on: on two quiet cores MiniLM's inference is about a quarter faster with them
  // and a fine-tuning step a few per cent (bench/transformers), both about twice as fast when the
  // cores are shared; a seeded fit still repeats exactly. TF_ENABLE_ONEDNN_OPTS=0 turns them off
  // if set before the first fit.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= "3";
  try {
    return require(dir) as Tf;
  } catch (e) {
    s.nativeProblem = `@tensorflow/tfjs-node in ${dir} failed to load (${(e as Error).message.split("\n")[0]}): ${SETUP_HINT}`;
    return null;
  }
}

/** The tfjs module (loaded on first use). */
export function tfjs(): Tf {
  const s = state();
  if (!s.tf) {
    s.tf = quietly(() => loadNative() ?? (require("@tensorflow/tfjs") as Tf));
  }
  return s.tf;
}

/** tfjs greets Node users on the console with advice to install tfjs-node, which cannot be installed here. */
function quietly<T>(f: () => T): T {
  const { warn, log } = console;
  console.warn = console.log = () => {};
  try {
    return f();
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

/** Starts the best backend present (once; later calls return the same answer). */
export function neuralBackend(): Promise<BackendInfo> {
  const s = state();
  if (s.info) return Promise.resolve(reclaim(s.info));
  s.starting ??= start().then((info) => (s.info = info));
  return s.starting;
}

const isNative = (tf: Tf) => typeof (tf as unknown as { node?: unknown }).node === "object";

async function start(): Promise<BackendInfo> {
  const tf = tfjs();
  const s = state();
  const want = requested();
  if (isNative(tf) && (await tf.setBackend("tensorflow"))) return { package: "@tensorflow/tfjs-node", backend: "tensorflow" };
  if (want === "tensorflow") throw new BackendUnavailableError(`MODELBENCH_BACKEND=tensorflow, but ${s.nativeProblem ?? "TensorFlow did not start"}`);
  if (want !== "cpu") {
    try {
      require("@tensorflow/tfjs-backend-wasm");
      if (await tf.setBackend("wasm")) return { package: "@tensorflow/tfjs", backend: "wasm", ...(s.nativeProblem ? { note: s.nativeProblem } : {}) };
    } catch (e) {
      return useCpu(`the WASM backend failed to start (${(e as Error).message}); ${s.nativeProblem}`);
    }
  }
  return useCpu(want === "cpu" ? "MODELBENCH_BACKEND=cpu chose it" : `the WASM backend failed to start; ${s.nativeProblem}`);
}

function useCpu(note: string): BackendInfo {
  quietly(() => void tfjs().setBackend("cpu")); // synchronous for "cpu": nothing to await
  return { package: "@tensorflow/tfjs", backend: "cpu", note };
}

/**
 * Puts back the chosen backend when other code switched tfjs's (process-wide) engine away from it:
 * @energetic-ai/core (the USE-lite encoder) bundles its own WASM backend and selects it, which
 * would otherwise leave every later fit on that slower backend, lacking kernels such as Erf. The
 * chosen backend is already initialised, so the switch happens synchronously.
 */
function reclaim(info: BackendInfo): BackendInfo {
  const tf = tfjs();
  if (tf.getBackend() !== info.backend) void tf.setBackend(info.backend);
  return info;
}

/** The backend in use, or null before `neuralBackend()` (or a first fit) chose one. */
export function backendInfo(): BackendInfo | null {
  return state().info ?? null;
}

/**
 * For synchronous fit/predict: the started backend, or — if nobody awaited `neuralBackend()` —
 * tfjs's pure-JS "cpu" backend, with a one-time note on stderr saying how to get the fast one.
 */
export function backendSync(): BackendInfo {
  const s = state();
  if (s.info) return reclaim(s.info);
  if (s.starting) throw new Error("the tfjs backend is still starting: `await neuralBackend()` before fitting");
  if (isNative(tfjs())) {
    void tfjs().setBackend("tensorflow");
    s.info = { package: "@tensorflow/tfjs-node", backend: "tensorflow" };
    return s.info;
  }
  s.info = useCpu("`await neuralBackend()` was not called before the first fit, so the WASM backend never started");
  if (!s.warned) {
    s.warned = true;
    process.stderr.write(`modelbench: training on tfjs's slow "cpu" backend: ${s.info.note}. Call \`await neuralBackend()\` once at start-up for the WASM backend.\n`);
  }
  return s.info;
}
