// Picks the tfjs backend once per process: native TensorFlow when @tensorflow/tfjs-node is really
// installed (here the name may be an npm alias of plain tfjs, so its package.json is checked), else
// plain tfjs on the WebAssembly backend, which is 20–30× faster than the pure-JS "cpu" backend.
import * as fs from "fs";
import type * as TF from "@tensorflow/tfjs";

export type Tf = typeof TF;

export interface BackendInfo {
  /** The npm package the tensors come from. */
  package: "@tensorflow/tfjs-node" | "@tensorflow/tfjs";
  /** tfjs's backend name: "tensorflow", "wasm" or "cpu". */
  backend: string;
  /** Why a slower backend is in use, when it is. */
  note?: string;
}

const STATE = Symbol.for("modelbench.neuralBackend");
interface State {
  tf?: Tf;
  info?: BackendInfo;
  starting?: Promise<BackendInfo>;
  warned?: boolean;
}
const state = (): State => ((globalThis as any)[STATE] ??= {});

/** True only for the real native package (not an alias that resolves to plain tfjs). */
export function nativePackageInstalled(): boolean {
  try {
    const file = require.resolve("@tensorflow/tfjs-node/package.json");
    return JSON.parse(fs.readFileSync(file, "utf8")).name === "@tensorflow/tfjs-node";
  } catch {
    return false;
  }
}

/** The tfjs module (loaded on first use). */
export function tfjs(): Tf {
  const s = state();
  if (!s.tf) {
    s.tf = quietly(() => (nativePackageInstalled() ? require("@tensorflow/tfjs-node") : require("@tensorflow/tfjs")) as Tf);
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
  if (s.info) return Promise.resolve(s.info);
  s.starting ??= start().then((info) => (s.info = info));
  return s.starting;
}

async function start(): Promise<BackendInfo> {
  const tf = tfjs();
  if (nativePackageInstalled() && (await tf.setBackend("tensorflow"))) return { package: "@tensorflow/tfjs-node", backend: "tensorflow" };
  try {
    require("@tensorflow/tfjs-backend-wasm");
    if (await tf.setBackend("wasm")) return { package: "@tensorflow/tfjs", backend: "wasm" };
  } catch (e) {
    return useCpu(`the WASM backend failed to start (${(e as Error).message})`);
  }
  return useCpu("the WASM backend failed to start");
}

function useCpu(note: string): BackendInfo {
  quietly(() => void tfjs().setBackend("cpu")); // synchronous for "cpu": nothing to await
  return { package: "@tensorflow/tfjs", backend: "cpu", note };
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
  if (s.info) return s.info;
  if (s.starting) throw new Error("the tfjs backend is still starting: `await neuralBackend()` before fitting");
  if (nativePackageInstalled()) {
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
