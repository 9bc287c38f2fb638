// Input history kept in the project's SQLite store, so it survives restarts (IPython's semantics
// for tail, range and search).
import Database from "better-sqlite3";
import * as fs from "fs";
import * as path from "path";

export type HistoryEntry = [number, number, string | [string, string | null]];

export class History {
  private db: Database.Database;
  readonly session: number;

  /** `session`: read an existing session (the runtime's %history) instead of starting one. */
  constructor(private readonly file: string, session?: number) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // With WAL, NORMAL survives a crash of the process; it skips an fsync on every cell's round trip.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS history_sessions (
        session INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, cwd TEXT);
      CREATE TABLE IF NOT EXISTS history (
        session INTEGER NOT NULL, line INTEGER NOT NULL, source TEXT NOT NULL, output TEXT,
        PRIMARY KEY (session, line));`);
    if (session !== undefined) {
      this.session = session;
      return;
    }
    const info = this.db
      .prepare("INSERT INTO history_sessions (started, cwd) VALUES (?, ?)")
      .run(new Date().toISOString(), process.cwd());
    this.session = Number(info.lastInsertRowid);
  }

  /** Where the runtime finds the kernel's history (environment variables set when it is started). */
  static readonly FILE_ENV = "MODELBENCH_HISTORY_FILE";
  static readonly SESSION_ENV = "MODELBENCH_HISTORY_SESSION";

  /** The runtime's environment: `env` with where this history is and which session it is. */
  runtimeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return { ...env, [History.FILE_ENV]: this.file, [History.SESSION_ENV]: String(this.session) };
  }

  add(line: number, source: string): void {
    this.db.prepare("INSERT OR REPLACE INTO history (session, line, source) VALUES (?, ?, ?)").run(this.session, line, source);
  }

  setOutput(line: number, output: string): void {
    this.db.prepare("UPDATE history SET output = ? WHERE session = ? AND line = ?").run(output, this.session, line);
  }

  private shape(rows: Array<{ session: number; line: number; source: string; output: string | null }>, output: boolean): HistoryEntry[] {
    return rows.map((r) => [r.session, r.line, output ? [r.source, r.output] : r.source]);
  }

  /** The last n entries over all sessions, oldest first. */
  tail(n: number, output: boolean): HistoryEntry[] {
    const rows = this.db
      .prepare("SELECT * FROM (SELECT * FROM history ORDER BY session DESC, line DESC LIMIT ?) ORDER BY session, line")
      .all(Math.max(0, n)) as any[];
    return this.shape(rows, output);
  }

  /** Lines [start, stop) of a session; session <= 0 counts back from this one (0 is the current). */
  range(session: number, start: number, stop: number | undefined, output: boolean): HistoryEntry[] {
    const s = session <= 0 ? this.session + session : session;
    const rows = this.db
      .prepare("SELECT * FROM history WHERE session = ? AND line >= ? AND (? IS NULL OR line < ?) ORDER BY line")
      .all(s, start, stop ?? null, stop ?? null) as any[];
    return this.shape(rows, output);
  }

  /** Entries whose source matches a glob; the last n (all when n is absent), optionally one per source. */
  search(pattern: string, n: number | undefined, unique: boolean, output: boolean): HistoryEntry[] {
    const limit = n && n > 0 ? n : -1;
    const sql = unique
      ? `SELECT h.* FROM history h JOIN (SELECT source, MAX(session * 1000000000 + line) AS k FROM history
           WHERE source GLOB ? GROUP BY source) u ON h.source = u.source AND h.session * 1000000000 + h.line = u.k
         ORDER BY h.session DESC, h.line DESC LIMIT ?`
      : "SELECT * FROM history WHERE source GLOB ? ORDER BY session DESC, line DESC LIMIT ?";
    const rows = (this.db.prepare(sql).all(pattern || "*", limit) as any[]).reverse();
    return this.shape(rows, output);
  }

  close(): void {
    this.db.close();
  }
}
