// What the transformers set-up (setup-transformers.mjs) decides around its work: whether the native
// tfjs-node build and the model folder can be kept, whether a download is the one expected, and what
// to say when the native build fails. Apart from the doing, so setup-transformers-checks.test.mjs can
// check them on throwaway folders; Node's built-ins only (they run before npm ci).
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";

export const TFJS_NODE_STAMP = ".modelbench-built";
export const MODEL_STAMP = ".modelbench-verified";

/** What a native build records: one for another tfjs-node, TensorFlow wheel or Node ABI is built again. */
export const tfjsNodeStamp = ({ tfjsNode, wheel, abi }) => `tfjs-node ${tfjsNode}, ${wheel}, node ABI ${abi}`;

/**
 * Whether the build in `prefix` is kept: its stamp says `want` and `probe()` (loading it and running
 * a matmul in a child Node) answers { ok: true }. The probe, which takes a second, runs only when
 * the stamp matches.
 */
export function tfjsNodeCurrent(prefix, want, probe) {
  const stamp = join(prefix, TFJS_NODE_STAMP);
  return existsSync(stamp) && readFileSync(stamp, "utf8") === want && probe().ok;
}

/** What the native build's failure means for the user: tfjs runs on WebAssembly, and why. */
export const wasmFallbackMessage = (reason) =>
  `@tensorflow/tfjs-node could not be built, so tfjs will run on WebAssembly (about 4× slower):\n${reason}`;

/** What a verified model folder records: the wheel it came from (a PyPI file, so its hashes are fixed). */
export const modelStamp = (wheel) => `${wheel}\n`;

/**
 * Whether the model folder `dest` is kept: verified from `wheel` (its stamp) and still holding every
 * file whose sha256 was checked then (`expected`: name → hash). Not hashed again: that is 90 MB per start.
 */
export function modelCurrent(dest, wheel, expected) {
  const stamp = join(dest, MODEL_STAMP);
  return existsSync(stamp) && readFileSync(stamp, "utf8") === modelStamp(wheel) && Object.keys(expected).every((f) => existsSync(join(dest, f)));
}

export function sha256(file) {
  return new Promise((done, fail) => {
    const h = createHash("sha256");
    createReadStream(file).on("data", (d) => h.update(d)).on("end", () => done(h.digest("hex"))).on("error", fail);
  });
}

/**
 * Checks a downloaded `file` against its `expected` sha256. A mismatch is refused: `discard` (the file
 * and what it came from, e.g. the cached wheel) is removed so the next run downloads afresh, and the
 * answer says so. Returns { ok } or { ok: false, message }.
 */
export async function checkDownload(file, expected, discard = [file]) {
  const got = await sha256(file);
  if (got === expected) return { ok: true };
  for (const p of discard) rmSync(p, { recursive: true, force: true });
  return {
    ok: false,
    message: `${basename(file)} has sha256 ${got}, expected ${expected}: the download is corrupt, so it was removed ` +
      `(${discard.map((p) => basename(p)).join(", ")}); run the set-up again (node scripts/setup.mjs) to download it afresh`,
  };
}
