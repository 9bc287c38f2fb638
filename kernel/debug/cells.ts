// Where a cell's code lives while it is debugged: the file JupyterLab computes from the code's hash
// with the prefix, suffix and seed the kernel reports in debugInfo (as ipykernel does).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { murmur2 } from "./murmur2";

export interface CellFiles {
  prefix: string;
  suffix: string;
  seed: number;
}

export const HASH_METHOD = "Murmur2";

/** A fresh folder for this kernel's cell files (created on first dump, removed at shutdown). */
export function cellFilesOf(pid = process.pid): CellFiles {
  return { prefix: path.join(os.tmpdir(), `modelbench_${pid}`) + path.sep, suffix: ".ts", seed: 0xc70f6907 };
}

export function cellFile(files: CellFiles, code: string): string {
  return `${files.prefix}${murmur2(code, files.seed)}${files.suffix}`;
}

/** Writes the cell's code to its file; returns the path. */
export function dumpCell(files: CellFiles, code: string): string {
  const file = cellFile(files, code);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, code);
  return file;
}

export function removeCellFiles(files: CellFiles): void {
  fs.rmSync(path.dirname(files.prefix + "x"), { recursive: true, force: true });
}
