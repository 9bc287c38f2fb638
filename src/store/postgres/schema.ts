// The PostgreSQL schema, as numbered migrations (the SQLite one is src/store/sqlite/schema.ts; both
// hold the same records).

/**
 * The same records in PostgreSQL. Differences: float8/bigint types, JSON in jsonb where the store
 * queries inside it, sequence columns that a tail follows, and artifact contents in a bytea table
 * (the machines sharing a server need not share a file system).
 */
export const PG_MIGRATIONS: string[] = [
  `CREATE TABLE runs (
     seq BIGSERIAL UNIQUE, id TEXT PRIMARY KEY, name TEXT NOT NULL, project TEXT NOT NULL, parent_id TEXT,
     status TEXT NOT NULL, tags JSONB NOT NULL DEFAULT '[]', notes TEXT,
     started_at DOUBLE PRECISION NOT NULL, ended_at DOUBLE PRECISION, error TEXT,
     pid INTEGER NOT NULL, host TEXT NOT NULL, seed BIGINT,
     source TEXT, notebook TEXT, notebook_path TEXT,
     git_commit TEXT, git_branch TEXT, git_dirty BOOLEAN NOT NULL DEFAULT FALSE, git_diff TEXT,
     env JSONB NOT NULL DEFAULT '{}', goals JSONB NOT NULL DEFAULT '{}');
   CREATE INDEX runs_started ON runs (started_at);
   CREATE INDEX runs_status ON runs (status);
   CREATE INDEX runs_parent ON runs (parent_id);
   CREATE INDEX runs_name ON runs (name);
   CREATE TABLE params (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
   CREATE TABLE metric_chunks (id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
     steps BYTEA NOT NULL, vals BYTEA NOT NULL, ts BYTEA NOT NULL);
   CREATE INDEX metric_chunks_run_key ON metric_chunks (run_id, key, id);
   CREATE TABLE metric_summary (run_id TEXT NOT NULL, key TEXT NOT NULL, last DOUBLE PRECISION, last_step BIGINT NOT NULL,
     last_ts DOUBLE PRECISION NOT NULL, min DOUBLE PRECISION, max DOUBLE PRECISION, count BIGINT NOT NULL, PRIMARY KEY (run_id, key));
   CREATE TABLE data (run_id TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, bytes BIGINT NOT NULL, PRIMARY KEY (run_id, path));
   CREATE TABLE blobs (hash TEXT PRIMARY KEY, content BYTEA NOT NULL);
   CREATE TABLE artifacts (run_id TEXT NOT NULL, name TEXT NOT NULL, hash TEXT NOT NULL, bytes BIGINT NOT NULL,
     kind TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (run_id, name));
   CREATE INDEX artifacts_hash ON artifacts (hash);
   CREATE TABLE model_versions (name TEXT NOT NULL, version INTEGER NOT NULL, run_id TEXT NOT NULL,
     artifact TEXT NOT NULL, hash TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, description TEXT,
     PRIMARY KEY (name, version));
   CREATE TABLE model_aliases (name TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (name, alias));`,
  `CREATE TABLE studies (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, direction TEXT NOT NULL, metric TEXT NOT NULL,
     space TEXT NOT NULL, sampler TEXT NOT NULL, pruner TEXT NOT NULL, run_id TEXT, created_at DOUBLE PRECISION NOT NULL);
   CREATE TABLE trials (study_id TEXT NOT NULL, number INTEGER NOT NULL, run_id TEXT, state TEXT NOT NULL,
     params TEXT NOT NULL, value DOUBLE PRECISION, intermediate JSONB NOT NULL DEFAULT '{}', started_at DOUBLE PRECISION NOT NULL,
     ended_at DOUBLE PRECISION, error TEXT, pid INTEGER, host TEXT, warm BOOLEAN NOT NULL DEFAULT FALSE,
     PRIMARY KEY (study_id, number));
   CREATE INDEX trials_state ON trials (study_id, state);`,
  // 3: media (figures, tables, images, text at steps; contents in blobs, as artifacts'), console
  // output, archived runs. `seq` and `id` are what a tail follows: a replaced media item takes a new seq.
  `ALTER TABLE runs ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
   CREATE TABLE media (seq BIGSERIAL UNIQUE, run_id TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL, step BIGINT NOT NULL,
     ts DOUBLE PRECISION NOT NULL, hash TEXT NOT NULL, bytes BIGINT NOT NULL, mime TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}',
     PRIMARY KEY (run_id, key, step));
   CREATE INDEX media_hash ON media (hash);
   CREATE TABLE output (id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, stream TEXT NOT NULL, ts DOUBLE PRECISION NOT NULL, text TEXT NOT NULL);
   CREATE INDEX output_run ON output (run_id, id);`,
  // 4: studies with several objectives (as SQLite's migration 4): directions and metrics as JSON
  // arrays (NULL for one objective) and each trial's values.
  `ALTER TABLE studies ADD COLUMN directions TEXT;
   ALTER TABLE studies ADD COLUMN metrics TEXT;
   ALTER TABLE trials ADD COLUMN objective_values TEXT;`,
];
