// What the Runs panel's Compare is answered with: the rows of src/track/views.ts Comparison (metrics,
// the params, bars, code diffs), and for the panel to draw itself: each run's curves (long ones
// thinned for drawing), its params and tags (to group by), when it started (x by time) and its
// media records (the content comes per item through the "media" op).
import type { MediaRecord, RunDetail, Store } from "../src/track/types";
import { Comparison } from "../src/track/views";
import { thinCurve, type CurveColumns } from "./thinCurve";

const isSystem = (key: string) => key.startsWith("system/");

/** A compared run as the panel needs it beside the rows. */
export interface ComparedRun {
  id: string;
  name: string;
  status: RunDetail["status"];
  startedAt: number;
  tags: string[];
  params: Record<string, unknown>;
}

/** A media record without its content hash (the panel asks for content by run, key and step). */
export type ComparedMedia = Omit<MediaRecord, "hash">;

export interface CompareReply {
  runs: ComparedRun[];
  labels: string[];
  params: ReturnType<Comparison["paramRows"]>;
  metrics: ReturnType<Comparison["metricRows"]>;
  bars: ReturnType<Comparison["barsFigure"]>;
  diffs: Array<{ against: string; run: string; diff: string }>;
  /** Per run (in `runs`' order): its metrics of two points or more, system metrics left out. */
  curves: Array<Record<string, CurveColumns>>;
  /** Per run: its media records, by key then step. */
  media: ComparedMedia[][];
}

/** Compares the runs (ids, id prefixes or names), in the order given. */
export async function compareRuns(store: Store, runIds: readonly string[]): Promise<CompareReply> {
  const runs = await Promise.all(runIds.map((r) => store.getRun(r)));
  const histories = await Promise.all(runs.map((run) => store.metricHistory(run.id)));
  const media = await Promise.all(runs.map((run) => store.listMedia(run.id)));
  const cmp = new Comparison(runs, runs.map((run, i) => ({ run, points: histories[i] })));
  const curves = histories.map((points) => {
    const byKey: Record<string, CurveColumns> = {};
    for (const p of points) {
      if (isSystem(p.key)) continue;
      const c = (byKey[p.key] ??= { steps: [], values: [], ts: [] });
      c.steps.push(p.step);
      c.values.push(p.value);
      c.ts.push(p.ts);
    }
    const out: Record<string, CurveColumns> = {};
    for (const [key, c] of Object.entries(byKey)) if (c.steps.length >= 2) out[key] = thinCurve(c);
    return out;
  });
  return {
    runs: runs.map((r) => ({ id: r.id, name: r.name, status: r.status, startedAt: r.startedAt, tags: r.tags, params: r.params })),
    labels: cmp.labels(),
    params: cmp.paramRows(),
    metrics: cmp.metricRows(),
    bars: cmp.barsFigure(),
    diffs: cmp.codeDiffs().map((d) => ({ against: d.against.id, run: d.run.id, diff: d.diff })),
    curves,
    media: media.map((records) => records.map(({ hash: _hash, ...rest }) => rest)),
  };
}
