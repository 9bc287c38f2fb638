// The SQLite schema, as numbered migrations. A store records the version it was written with;
// one written by a newer modelbench is refused rather than altered.

export const MIGRATIONS: string[] = [
  // 1: runs, params, metrics with per-metric summaries, data hashes, artifacts, model registry.
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, project TEXT NOT NULL, parent_id TEXT,
     status TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]', notes TEXT,
     started_at REAL NOT NULL, ended_at REAL, error TEXT,
     pid INTEGER NOT NULL, host TEXT NOT NULL, seed INTEGER,
     source TEXT, notebook TEXT, notebook_path TEXT,
     git_commit TEXT, git_branch TEXT, git_dirty INTEGER NOT NULL DEFAULT 0, git_diff TEXT,
     env TEXT NOT NULL DEFAULT '{}', goals TEXT NOT NULL DEFAULT '{}');
   CREATE INDEX runs_started ON runs (started_at);
   CREATE INDEX runs_status ON runs (status);
   CREATE INDEX runs_parent ON runs (parent_id);
   CREATE INDEX runs_name ON runs (name);
   CREATE TABLE params (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
   -- Append-only: every point is kept, in whatever order it was logged, as column chunks of
   -- little-endian float64 (steps, values, wall times); one chunk per metric per written batch.
   CREATE TABLE metric_chunks (run_id TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
     steps BLOB NOT NULL, vals BLOB NOT NULL, ts BLOB NOT NULL);
   CREATE INDEX metric_chunks_run_key ON metric_chunks (run_id, key);
   -- What lists read instead of the histories. NULL min/max: no non-NaN value yet; NULL last: NaN.
   CREATE TABLE metric_summary (run_id TEXT NOT NULL, key TEXT NOT NULL, last REAL, last_step INTEGER NOT NULL,
     last_ts REAL NOT NULL, min REAL, max REAL, count INTEGER NOT NULL, PRIMARY KEY (run_id, key));
   CREATE TABLE data (run_id TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, bytes INTEGER NOT NULL,
     PRIMARY KEY (run_id, path));
   CREATE TABLE artifacts (run_id TEXT NOT NULL, name TEXT NOT NULL, hash TEXT NOT NULL, bytes INTEGER NOT NULL,
     kind TEXT NOT NULL, created_at REAL NOT NULL, PRIMARY KEY (run_id, name));
   CREATE INDEX artifacts_hash ON artifacts (hash);
   CREATE TABLE model_versions (name TEXT NOT NULL, version INTEGER NOT NULL, run_id TEXT NOT NULL,
     artifact TEXT NOT NULL, hash TEXT NOT NULL, created_at REAL NOT NULL, description TEXT,
     PRIMARY KEY (name, version));
   CREATE TABLE model_aliases (name TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL,
     PRIMARY KEY (name, alias));`,
  // 2: hyperparameter studies and their trials (each trial is also a run nested under the study's run).
  `CREATE TABLE studies (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, direction TEXT NOT NULL, metric TEXT NOT NULL,
     space TEXT NOT NULL, sampler TEXT NOT NULL, pruner TEXT NOT NULL, run_id TEXT, created_at REAL NOT NULL);
   CREATE TABLE trials (study_id TEXT NOT NULL, number INTEGER NOT NULL, run_id TEXT, state TEXT NOT NULL,
     params TEXT NOT NULL, value REAL, intermediate TEXT NOT NULL DEFAULT '{}', started_at REAL NOT NULL,
     ended_at REAL, error TEXT, pid INTEGER, host TEXT, warm INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (study_id, number));
   CREATE INDEX trials_state ON trials (study_id, state);`,
  // 3: media (figures, tables, images, text at steps), console output, archived runs.
  `ALTER TABLE runs ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE media (run_id TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL, step INTEGER NOT NULL, ts REAL NOT NULL,
     hash TEXT NOT NULL, bytes INTEGER NOT NULL, mime TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (run_id, key, step));
   CREATE INDEX media_hash ON media (hash);
   CREATE TABLE output (run_id TEXT NOT NULL, stream TEXT NOT NULL, ts REAL NOT NULL, text TEXT NOT NULL);
   CREATE INDEX output_run ON output (run_id);`,
  // 4: studies with several objectives: their directions and metrics (JSON arrays; NULL for one
  // objective) and each trial's values (a JSON array). Stores from before keep working as they are.
  `ALTER TABLE studies ADD COLUMN directions TEXT;
   ALTER TABLE studies ADD COLUMN metrics TEXT;
   ALTER TABLE trials ADD COLUMN objective_values TEXT;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
