// What the JupyterLab extension asks the kernel about paired notebooks, over the "modelbench" comm:
// which files pair up (and their format options), a sync by jupytext's rule, and a file's text at
// git HEAD. The kernel does these because it has the file system, git and src/notebook's sync
// record; the extension only draws. Paths arrive relative to the Jupyter server's root.
//
// Frontend → kernel:  { op: "pair", id, root, path }   { op: "sync", id, root, path, prefer? }
//   { op: "git-head", id, root, path }
// Kernel → frontend:  { type: "pair", id, ipynb, text, extension, format, textExists }
//   { type: "sync", id, ok: true, inputsFrom, reason, written, warnings }
//   { type: "sync", id, ok: false, conflict: true, message, diff }   (nothing was written)
//   { type: "git-head", id, path, commit, head, working }   (head null: not in HEAD; working null: no file)
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CommData } from "../src/comm";
import { ModelbenchError } from "../src/errors";
import { loadConfig, pairedPaths, readText, syncPair, SyncConflictError, NotebookNotFoundError, UnsupportedFormatError } from "../src/notebook";

export const PAIRING_OPS = ["pair", "sync", "git-head"] as const;

/** A path from the frontend: relative to the server root it also sends ("~" expanded). */
export function resolveContentsPath(msg: CommData): { abs: string; root: string } {
  const root = String(msg.root ?? "");
  const rel = String(msg.path ?? "");
  if (!root || !rel) throw new ModelbenchError("a pairing request needs 'root' (the server's root_dir) and 'path' (the file, relative to it)");
  const expanded = root === "~" || root.startsWith("~/") ? path.join(os.homedir(), root.slice(1)) : root;
  return { abs: path.resolve(expanded, rel), root: path.resolve(expanded) };
}

/** Paths relative to the server root, as the Contents API names them. */
const toContents = (root: string, abs: string) => path.relative(root, abs).split(path.sep).join("/");

export async function pairingRequest(msg: CommData): Promise<Record<string, unknown>> {
  const { abs, root } = resolveContentsPath(msg);
  switch (msg.op) {
    case "pair": {
      const config = loadConfig(path.dirname(abs));
      const p = pairedPaths(abs, config);
      // textExists spares the frontend asking the server for a script that is not there (a 404).
      return { ipynb: toContents(root, p.ipynb), text: toContents(root, p.text), extension: p.extension, format: config.format, textExists: fs.existsSync(p.text) };
    }
    case "sync":
      return sync(abs, root, msg.prefer);
    case "git-head":
      return gitHead(abs, root);
    default:
      throw new ModelbenchError(`unknown pairing op '${String(msg.op)}': use ${PAIRING_OPS.join(", ")}`);
  }
}

function sync(abs: string, root: string, prefer: unknown): Record<string, unknown> {
  if (prefer !== undefined && prefer !== "ipynb" && prefer !== "text") {
    throw new ModelbenchError(`prefer must be "ipynb" or "text", not ${JSON.stringify(prefer)}`);
  }
  try {
    const r = syncPair(abs, { prefer: prefer as "ipynb" | "text" | undefined });
    return {
      ok: true,
      inputsFrom: r.inputsFrom,
      reason: r.reason,
      written: r.written.map((w) => toContents(root, w)),
      warnings: r.warnings,
      ipynb: toContents(root, r.paths.ipynb),
      text: toContents(root, r.paths.text),
    };
  } catch (e) {
    // a conflict is an answer, not a failure: the frontend shows the message and the diff
    if (e instanceof SyncConflictError) return { ok: false, conflict: true, message: e.message, diff: e.diff };
    throw e;
  }
}

// git's output is bytes: kept as a Buffer, decoded strictly so a binary file is an error, not mojibake
function git(cwd: string, args: string[]): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "buffer" }, (err, stdout) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") return reject(new ModelbenchError("git is not installed (or not on the kernel's PATH): install git to compare with HEAD"));
      const code = err ? (typeof (err as any).code === "number" ? (err as any).code : 1) : 0;
      resolve({ code, stdout });
    });
  });
}

function decodeUtf8(bytes: Buffer, what: string): string {
  if (bytes.includes(0)) throw new ModelbenchError(`${what} is a binary file, not a notebook script`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ModelbenchError(`${what} is not UTF-8 text`);
  }
}

/** The paired script of `abs` (or `abs` itself when it is the script) at HEAD and in the working tree. */
async function gitHead(abs: string, root: string): Promise<Record<string, unknown>> {
  let file = abs;
  if (abs.endsWith(".ipynb")) file = pairedPaths(abs).text;
  else if (path.extname(abs) !== ".ts" && path.extname(abs) !== ".js") {
    throw new UnsupportedFormatError(`${toContents(root, abs)}: unknown notebook format '${path.extname(abs) || "(no extension)"}'; compare a .ipynb or its percent script with HEAD`);
  }
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) throw new NotebookNotFoundError(`${toContents(root, dir)} does not exist: check the path`);
  const top = await git(dir, ["rev-parse", "--show-toplevel"]);
  if (top.code !== 0) throw new ModelbenchError(`${toContents(root, dir) || "the notebook folder"} is not in a git repository: \`git init\` and commit the notebook's script to compare with HEAD`);
  const repo = decodeUtf8(top.stdout, "git's answer").trim();
  const inRepo = path.relative(fs.realpathSync(repo), fs.realpathSync(dir));
  const gitPath = [inRepo, path.basename(file)].filter(Boolean).join("/").split(path.sep).join("/");
  const commit = await git(repo, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  let head: string | null = null;
  if (commit.code === 0) {
    const shown = await git(repo, ["show", `HEAD:${gitPath}`]);
    if (shown.code === 0) head = decodeUtf8(shown.stdout, `${gitPath} at HEAD`);
  }
  const working = fs.existsSync(file) ? readText(file) : null;
  if (head === null && working === null) {
    throw new NotebookNotFoundError(`${toContents(root, file)} exists neither in the working tree nor at HEAD: sync the notebook first (Sync Paired Notebook)`);
  }
  return { path: toContents(root, file), commit: commit.code === 0 ? decodeUtf8(commit.stdout, "git's answer").trim() : null, head, working };
}
