// Copies runs to an MLflow tracking server through its REST API, so the MLflow UI and its clients
// read them like any MLflow run: one experiment per project, params, every metric point (log-batch
// within MLflow's limits), tags MLflow knows (run name, parent, git commit and branch, note),
// artifacts through the server's artifact proxy, registered models with their versions and aliases.
import { StoreError } from "../../track/errors";
import type { MetricPoint, RunDetail, Store } from "../../track/types";

/** MLflow's log-batch limits: 1000 metrics, 100 params, 100 tags, 1000 entities in all per call. */
const MAX_METRICS = 1000, MAX_PARAMS = 100, MAX_TAGS = 100, MAX_PARAM_VALUE = 6000;

const STATUS: Record<string, string> = { running: "RUNNING", finished: "FINISHED", failed: "FAILED", killed: "KILLED", crashed: "FAILED" };

/** `mlflow+http://host:port` (or https) → the server's base URL. */
export function mlflowBaseUrl(uri: string): string {
  const m = /^mlflow\+(https?:\/\/[^/]+)\/?$/.exec(uri);
  if (!m) throw new StoreError(`'${uri}' is not an MLflow URI: write mlflow+http://host:port`);
  return m[1];
}

/** A double as MLflow's JSON (protobuf mapping) takes it: NaN and ±Infinity as strings. */
const double = (v: number): number | string => (Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v);

export class MlflowRest {
  constructor(readonly base: string) {}

  async call<T = any>(method: "GET" | "POST" | "PATCH", path: string, body?: Record<string, unknown>): Promise<T> {
    const url = new URL(`${this.base}/api/2.0/mlflow/${path}`);
    if (method === "GET" && body) for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
    let res: Response;
    try {
      const send = () => fetch(url, {
        method, headers: { "content-type": "application/json" }, body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
      });
      // A kept-alive connection the server closed while idle fails before the request is read: send once more.
      res = await send().catch((e) => (e?.cause?.code === "UND_ERR_SOCKET" || e?.cause?.code === "ECONNRESET" ? send() : Promise.reject(e)));
    } catch (e) {
      throw new StoreError(`cannot reach the MLflow server at ${this.base} (${(e as any)?.cause?.code ?? (e as any)?.cause?.message ?? (e as Error).message}): start it (mlflow server) or fix the URI`);
    }
    const text = await res.text();
    if (!res.ok) {
      let msg = text;
      try {
        msg = JSON.parse(text).message ?? text;
      } catch { /* not JSON */ }
      const err = new StoreError(`MLflow ${path} failed (${res.status}): ${msg.slice(0, 300)}`);
      (err as any).mlflowCode = (() => { try { return JSON.parse(text).error_code; } catch { return null; } })();
      throw err;
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  async experimentId(name: string): Promise<string> {
    try {
      return (await this.call("GET", "experiments/get-by-name", { experiment_name: name })).experiment.experiment_id;
    } catch (e) {
      if ((e as any).mlflowCode !== "RESOURCE_DOES_NOT_EXIST") throw e;
      return (await this.call("POST", "experiments/create", { name })).experiment_id;
    }
  }

  /** The artifact proxy's URL of a run's artifact (`mlflow server` serves artifacts by default). */
  artifactUrl(artifactUri: string, name: string): string {
    const m = /^mlflow-artifacts:\/(.*)$/.exec(artifactUri);
    if (!m) {
      throw new StoreError(`the MLflow server stores artifacts at ${artifactUri}, which modelbench cannot reach: start it with artifact serving (mlflow server --serve-artifacts)`);
    }
    return `${this.base}/api/2.0/mlflow-artifacts/artifacts/${m[1].replace(/^\/+/, "")}/${name.split("/").map(encodeURIComponent).join("/")}`;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (e) {
      throw new StoreError(`cannot reach the MLflow server at ${this.base} (${(e as any)?.cause?.code ?? (e as any)?.cause?.message ?? (e as Error).message}): start it (mlflow server) or fix the URI`);
    }
  }

  /** Uploads through the artifact proxy; a refusal says what to change. */
  async putArtifact(artifactUri: string, name: string, content: Buffer): Promise<void> {
    const res = await this.send(this.artifactUrl(artifactUri, name), { method: "PUT", body: content });
    if (res.ok) return;
    const said = whatTheServerSaid(await res.text().catch(() => ""));
    const size = content.length >= 2 ** 20 ? `${(content.length / 2 ** 20).toFixed(1)} MB` : `${content.length.toLocaleString("en")} bytes`;
    const advice =
      res.status === 413 ? "it is larger than the server (or a proxy in front of it) takes: raise that upload limit (e.g. nginx client_max_body_size) or log something smaller"
        : res.status === 401 || res.status === 403 ? "the server does not let this client write artifacts: check its authentication and permissions"
          : res.status >= 500 ? "the server failed to store it: look at the server's log (is its artifact store full or read-only?), then try again"
            : "check that the URI points at an MLflow tracking server with artifact serving (mlflow server --serve-artifacts)";
    throw new StoreError(`MLflow did not store the artifact '${name}' (${size}; HTTP ${res.status}${said ? `: ${said}` : ""}): ${advice}`);
  }

  /** Downloads through the artifact proxy. */
  async getArtifact(artifactUri: string, name: string): Promise<Buffer> {
    const res = await this.send(this.artifactUrl(artifactUri, name), {});
    if (!res.ok) {
      const err = new StoreError(`MLflow artifact '${name}' could not be read (${res.status}) from ${this.base}`);
      (err as any).status = res.status;
      throw err;
    }
    return Buffer.from(await res.arrayBuffer());
  }

  /** Deletes through the artifact proxy; a file already gone is fine. */
  async deleteArtifact(artifactUri: string, name: string): Promise<void> {
    const res = await this.send(this.artifactUrl(artifactUri, name), { method: "DELETE" });
    if (!res.ok && res.status !== 404) throw new StoreError(`MLflow could not delete the artifact '${name}' (${res.status}): ${(await res.text()).slice(0, 200)}`);
  }
}

/** A refusal's gist: MLflow's JSON message, an HTML page's title or heading (a proxy's), or the text. */
function whatTheServerSaid(body: string): string {
  let said = body;
  try {
    said = JSON.parse(body).message ?? body;
  } catch {
    said = /<title>([^<]*)<\/title>/i.exec(body)?.[1] ?? /<h1>([^<]*)<\/h1>/i.exec(body)?.[1] ?? body.replace(/<[^>]*>/g, " ");
  }
  return String(said).replace(/\s+/g, " ").trim().slice(0, 200);
}

export interface ExportStats {
  runs: number;
  points: number;
  artifacts: number;
  modelVersions: number;
  aliases: number;
  /** modelbench run id → MLflow run id. */
  ids: Record<string, string>;
}

function runTags(d: RunDetail, parent: string | null): Array<{ key: string; value: string }> {
  const tags: Array<[string, string | null]> = [
    ["mlflow.runName", d.name],
    ["mlflow.parentRunId", parent],
    ["mlflow.source.git.commit", d.gitCommit],
    ["mlflow.source.git.branch", d.gitBranch],
    ["mlflow.source.name", d.notebookPath],
    ["mlflow.note.content", d.notes],
    ["modelbench.run_id", d.id],
    ["modelbench.host", d.host],
    ["modelbench.git_dirty", d.gitDirty ? "true" : "false"],
    ["modelbench.error", d.error],
  ];
  for (const t of d.tags) tags.push([t, "true"]);
  return tags.filter((t): t is [string, string] => t[1] !== null && t[1] !== undefined).map(([key, value]) => ({ key, value: value.slice(0, 8000) }));
}

/** Copies every run of `store` (parents before children), then the registry, to the MLflow server at `target`. */
export async function exportToMlflow(store: Store, target: string, onProgress: (line: string) => void = () => {}): Promise<ExportStats> {
  const api = new MlflowRest(mlflowBaseUrl(target));
  const stats: ExportStats = { runs: 0, points: 0, artifacts: 0, modelVersions: 0, aliases: 0, ids: {} };
  const runs = (await store.listRuns({}, { params: [], metrics: [] })).reverse(); // oldest first
  const pending = new Map(runs.map((r) => [r.id, r]));
  const artifactUris = new Map<string, string>();
  const experiments = new Map<string, string>();
  while (pending.size) {
    // Parents first, so a child can name its MLflow parent; a parent outside the store is dropped.
    let ready = [...pending.values()].filter((r) => !r.parentId || !pending.has(r.parentId));
    if (!ready.length) ready = [...pending.values()]; // a parent cycle (hand-edited store): no order helps
    for (const summary of ready) {
      pending.delete(summary.id);
      const d = await store.getRun(summary.id);
      let exp = experiments.get(d.project);
      if (!exp) experiments.set(d.project, (exp = await api.experimentId(d.project)));
      const created = await api.call("POST", "runs/create", {
        experiment_id: exp, run_name: d.name, start_time: Math.round(d.startedAt), tags: runTags(d, d.parentId ? stats.ids[d.parentId] ?? null : null),
      });
      const runId: string = created.run.info.run_id;
      stats.ids[d.id] = runId;
      artifactUris.set(d.id, created.run.info.artifact_uri);
      const params = Object.entries(d.params).map(([key, v]) => ({ key, value: (typeof v === "string" ? v : JSON.stringify(v)).slice(0, MAX_PARAM_VALUE) }));
      for (let i = 0; i < params.length; i += MAX_PARAMS) await api.call("POST", "runs/log-batch", { run_id: runId, params: params.slice(i, i + MAX_PARAMS) });
      const points: MetricPoint[] = await store.metricHistory(d.id);
      for (let i = 0; i < points.length; i += MAX_METRICS) {
        const metrics = points.slice(i, i + MAX_METRICS).map((p) => ({ key: p.key, value: double(p.value), timestamp: Math.round(p.ts), step: Math.round(p.step) }));
        await api.call("POST", "runs/log-batch", { run_id: runId, metrics });
      }
      stats.points += points.length;
      const data = d.data.map((x) => ({ key: `modelbench.data.${x.path}`.slice(0, 250), value: `sha256:${x.hash} ${x.bytes} bytes` }));
      for (let i = 0; i < data.length; i += MAX_TAGS) await api.call("POST", "runs/log-batch", { run_id: runId, tags: data.slice(i, i + MAX_TAGS) });
      for (const a of d.artifacts) {
        await api.putArtifact(created.run.info.artifact_uri, a.name, await store.readArtifact(a.hash));
        stats.artifacts++;
      }
      if (d.status !== "running") {
        await api.call("POST", "runs/update", { run_id: runId, status: STATUS[d.status], end_time: Math.round(d.endedAt ?? d.startedAt) });
      }
      stats.runs++;
      onProgress(`runs ${stats.runs}/${runs.length} (${stats.points} points)`);
    }
  }
  for (const v of await store.modelVersions()) {
    const runId = stats.ids[v.runId];
    if (!runId) continue;
    try {
      await api.call("POST", "registered-models/create", { name: v.name, ...(v.description ? { description: v.description } : {}) });
    } catch (e) {
      if ((e as any).mlflowCode !== "RESOURCE_ALREADY_EXISTS") throw e;
    }
    const mv = await api.call("POST", "model-versions/create", {
      name: v.name, source: `${artifactUris.get(v.runId)}/${v.artifact}`, run_id: runId, ...(v.description ? { description: v.description } : {}),
    });
    stats.modelVersions++;
    for (const alias of v.aliases) {
      await api.call("POST", "registered-models/alias", { name: v.name, alias, version: mv.model_version.version });
      stats.aliases++;
    }
  }
  return stats;
}
