// Which data a run used: every loader records the content hash (sha256) of what it read with each
// active run, so two runs on different versions of a file differ in their records.
import { createHash } from "crypto";
import { activeRuns, recordData } from "../track";

/** Records one data file with the active runs (nothing happens outside a run). */
export async function recordFile(file: string): Promise<void> {
  await recordData(file);
}

/**
 * Records a set of files (a corpus) as one entry named `label`, hashed over their names and bytes
 * in the given order; one line per corpus instead of hundreds. Returns the hash.
 */
export async function recordFiles(label: string, files: readonly { name: string; bytes: Buffer }[]): Promise<string> {
  const h = createHash("sha256");
  let size = 0;
  for (const f of files) {
    h.update(f.name).update("\0").update(String(f.bytes.length)).update("\0").update(f.bytes);
    size += f.bytes.length;
  }
  const hash = h.digest("hex");
  for (const r of activeRuns()) await r.store.recordData(r.id, { path: label, hash, bytes: size });
  return hash;
}

