// Copies a SQLite store into PostgreSQL, row for row: runs with their params, every metric chunk and
// summary, data hashes, artifact and media contents, console output, the model registry and its
// aliases, studies and trials.
// Runs already in the target are left as they are, so a copy interrupted halfway can be run again.
// Both stores are opened through the registry, so importing this module loads neither backend.
import * as fs from "fs";
import type { SqliteStore } from "./sqlite/store";
import type { PostgresStore } from "./postgres/store";
import { StoreError } from "../track/errors";
import { sqlitePath } from "./location";
import { backendFor, openStore } from "./registry";
import { sqliteBackend } from "./sqlite";
import { postgresBackend } from "./postgres";
import type { StoreBackend } from "./types";

export interface MigrateStats {
  runs: number;
  skippedRuns: number;
  points: number;
  artifacts: number;
  media: number;
  modelVersions: number;
  aliases: number;
  studies: number;
  trials: number;
}

const RUNS_PER_TRANSACTION = 100;

function servedBy(uri: string): StoreBackend | null {
  try {
    return backendFor(uri);
  } catch {
    return null; // not a store URI at all: the caller's message says which one it wants
  }
}

export async function migrateStore(from: string, to: string, onProgress: (line: string) => void = () => {}): Promise<MigrateStats> {
  if (servedBy(from) !== sqliteBackend) throw new StoreError(`--from must be a SQLite store (sqlite:///path/store.db), not '${from}'`);
  if (servedBy(to) !== postgresBackend) throw new StoreError(`--to must be a PostgreSQL store (postgres://user@host:5432/database), not '${to}'`);
  const file = sqlitePath(from);
  if (!fs.existsSync(file)) throw new StoreError(`there is no store at ${file}: check the --from path`);
  const src = openStore(from) as SqliteStore;
  const dst = openStore(to) as PostgresStore;
  const stats: MigrateStats = { runs: 0, skippedRuns: 0, points: 0, artifacts: 0, media: 0, modelVersions: 0, aliases: 0, studies: 0, trials: 0 };
  try {
    const db = src.db;
    const have = new Set((await dst.query<{ id: string }>("SELECT id FROM runs")).map((r) => r.id));
    const ids = (db.prepare("SELECT id FROM runs ORDER BY started_at, rowid").pluck().all() as string[]).filter((id) => {
      if (have.has(id)) stats.skippedRuns++;
      return !have.has(id);
    });
    for (let i = 0; i < ids.length; i += RUNS_PER_TRANSACTION) {
      const part = ids.slice(i, i + RUNS_PER_TRANSACTION);
      const json = JSON.stringify(part);
      const rows = (sql: string) => db.prepare(sql.replace("$IDS", "(SELECT value FROM json_each(?))")).all(json) as any[];
      const runs = rows("SELECT * FROM runs WHERE id IN $IDS ORDER BY started_at, rowid");
      const params = rows("SELECT * FROM params WHERE run_id IN $IDS");
      const chunks = rows("SELECT * FROM metric_chunks WHERE run_id IN $IDS ORDER BY rowid");
      const sums = rows("SELECT * FROM metric_summary WHERE run_id IN $IDS");
      const data = rows("SELECT * FROM data WHERE run_id IN $IDS");
      const arts = rows("SELECT * FROM artifacts WHERE run_id IN $IDS");
      const media = rows("SELECT * FROM media WHERE run_id IN $IDS ORDER BY rowid");
      const output = rows("SELECT * FROM output WHERE run_id IN $IDS ORDER BY rowid");
      await dst.transaction(async (c) => {
        const col = (xs: any[], k: string) => xs.map((x) => x[k]);
        await c.query(
          `INSERT INTO runs (id, name, project, parent_id, status, tags, notes, started_at, ended_at, error, pid, host, seed, source, notebook,
             notebook_path, git_commit, git_branch, git_dirty, git_diff, env, goals, archived)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::float8[], $9::float8[],
             $10::text[], $11::int[], $12::text[], $13::bigint[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bool[],
             $20::text[], $21::jsonb[], $22::jsonb[], $23::bool[])`,
          [col(runs, "id"), col(runs, "name"), col(runs, "project"), col(runs, "parent_id"), col(runs, "status"), col(runs, "tags"), col(runs, "notes"),
            col(runs, "started_at"), col(runs, "ended_at"), col(runs, "error"), col(runs, "pid"), col(runs, "host"), col(runs, "seed"), col(runs, "source"),
            col(runs, "notebook"), col(runs, "notebook_path"), col(runs, "git_commit"), col(runs, "git_branch"), runs.map((r) => !!r.git_dirty),
            col(runs, "git_diff"), col(runs, "env"), col(runs, "goals"), runs.map((r) => !!r.archived)],
        );
        await c.query("INSERT INTO params (run_id, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
          [col(params, "run_id"), col(params, "key"), col(params, "value")]);
        // Chunk order is logging order: inserted in that order, the new ids keep it.
        for (let j = 0; j < chunks.length; j += 2000) {
          const cs = chunks.slice(j, j + 2000);
          await c.query(
            `INSERT INTO metric_chunks (run_id, key, n, steps, vals, ts)
             SELECT run_id, key, n, steps, vals, ts
             FROM unnest($1::text[], $2::text[], $3::int[], $4::bytea[], $5::bytea[], $6::bytea[]) WITH ORDINALITY AS u(run_id, key, n, steps, vals, ts, o)
             ORDER BY o`,
            [col(cs, "run_id"), col(cs, "key"), col(cs, "n"), col(cs, "steps"), col(cs, "vals"), col(cs, "ts")],
          );
        }
        stats.points += chunks.reduce((n, ch) => n + ch.n, 0);
        await c.query(
          `INSERT INTO metric_summary (run_id, key, last, last_step, last_ts, min, max, count)
           SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[], $8::bigint[])`,
          [col(sums, "run_id"), col(sums, "key"), col(sums, "last"), col(sums, "last_step"), col(sums, "last_ts"), col(sums, "min"), col(sums, "max"), col(sums, "count")],
        );
        await c.query("INSERT INTO data (run_id, path, hash, bytes) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])",
          [col(data, "run_id"), col(data, "path"), col(data, "hash"), col(data, "bytes")]);
        for (const hash of new Set(arts.map((a) => a.hash as string))) {
          await c.query("INSERT INTO blobs (hash, content) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING", [hash, await src.readArtifact(hash)]);
        }
        await c.query(
          "INSERT INTO artifacts (run_id, name, hash, bytes, kind, created_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::float8[])",
          [col(arts, "run_id"), col(arts, "name"), col(arts, "hash"), col(arts, "bytes"), col(arts, "kind"), col(arts, "created_at")],
        );
        stats.artifacts += arts.length;
        for (const hash of new Set(media.map((m) => m.hash as string))) {
          await c.query("INSERT INTO blobs (hash, content) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING", [hash, await src.readArtifact(hash)]);
        }
        // In logging order, so a tail's sequence follows it.
        await c.query(
          `INSERT INTO media (run_id, key, kind, step, ts, hash, bytes, mime, meta)
           SELECT run_id, key, kind, step, ts, hash, bytes, mime, meta
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::float8[], $6::text[], $7::bigint[], $8::text[], $9::text[])
             WITH ORDINALITY AS u(run_id, key, kind, step, ts, hash, bytes, mime, meta, o) ORDER BY o`,
          [col(media, "run_id"), col(media, "key"), col(media, "kind"), col(media, "step"), col(media, "ts"), col(media, "hash"), col(media, "bytes"),
            col(media, "mime"), col(media, "meta")],
        );
        stats.media += media.length;
        await c.query(
          `INSERT INTO output (run_id, stream, ts, text)
           SELECT run_id, stream, ts, text FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[]) WITH ORDINALITY AS u(run_id, stream, ts, text, o) ORDER BY o`,
          [col(output, "run_id"), col(output, "stream"), col(output, "ts"), col(output, "text").map((t: string) => t.replace(/\u0000/g, "\uFFFD"))],
        );
      });
      stats.runs += part.length;
      onProgress(`runs ${stats.runs}/${ids.length} (${stats.points} points)`);
    }
    await dst.transaction(async (c) => {
      for (const v of db.prepare("SELECT * FROM model_versions ORDER BY name, version").all() as any[]) {
        // Content a model version points at, in case its run's artifact row was replaced since.
        await c.query("INSERT INTO blobs (hash, content) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING", [v.hash, await src.readArtifact(v.hash)]);
        const r = await c.query(
          `INSERT INTO model_versions (name, version, run_id, artifact, hash, created_at, description) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (name, version) DO NOTHING`,
          [v.name, v.version, v.run_id, v.artifact, v.hash, v.created_at, v.description],
        );
        stats.modelVersions += r.rowCount ?? 0;
      }
      for (const a of db.prepare("SELECT * FROM model_aliases").all() as any[]) {
        const r = await c.query("INSERT INTO model_aliases (name, alias, version) VALUES ($1, $2, $3) ON CONFLICT (name, alias) DO NOTHING", [a.name, a.alias, a.version]);
        stats.aliases += r.rowCount ?? 0;
      }
      for (const s of db.prepare("SELECT * FROM studies").all() as any[]) {
        const r = await c.query(
          `INSERT INTO studies (id, name, direction, metric, space, sampler, pruner, run_id, created_at, directions, metrics)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
          [s.id, s.name, s.direction, s.metric, s.space, s.sampler, s.pruner, s.run_id, s.created_at, s.directions ?? null, s.metrics ?? null],
        );
        stats.studies += r.rowCount ?? 0;
      }
      for (const t of db.prepare("SELECT * FROM trials ORDER BY study_id, number").all() as any[]) {
        const r = await c.query(
          `INSERT INTO trials (study_id, number, run_id, state, params, value, intermediate, started_at, ended_at, error, pid, host, warm, objective_values)
           SELECT $1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14 WHERE EXISTS (SELECT 1 FROM studies WHERE id = $1)
           ON CONFLICT DO NOTHING`,
          [t.study_id, t.number, t.run_id, t.state, t.params, t.value, t.intermediate, t.started_at, t.ended_at, t.error, t.pid, t.host, !!t.warm, t.objective_values ?? null],
        );
        stats.trials += r.rowCount ?? 0;
      }
    });
    return stats;
  } finally {
    await src.close();
    await dst.close();
  }
}

/** A one-line account of a copy. */
export function describeMigration(s: MigrateStats): string {
  const skipped = s.skippedRuns ? `; ${s.skippedRuns} runs were already there and left as they are` : "";
  return `copied ${s.runs} runs (${s.points} points, ${s.artifacts} artifacts, ${s.media} media items), ${s.modelVersions} model versions, ${s.aliases} aliases, ${s.studies} studies, ${s.trials} trials${skipped}`;
}
