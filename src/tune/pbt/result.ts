// What population-based training leaves: each member's line (values and hyperparameters per
// round), the lineage (who copied whom, when), the best member and its schedule, shown as a table
// and as a figure of every member's value over steps with the copies drawn as jumps.
import { MIME, type MimeBundle } from "../../display";
import { escapeHtml } from "../../display/html";
import { formatNumber, textTable } from "../../track/format";
import { Figure } from "../../track/views";
import type { Study, Trial } from "../study";
import { StudyError } from "../storage";

export interface MemberRound {
  round: number;
  /** Who trained this round (in a line followed back through copies, the ancestor). */
  member: number;
  /** The member's step count after this round. */
  step: number;
  value: number;
  /** The hyperparameters it trained this round with. */
  params: Record<string, unknown>;
}

export interface Member {
  number: number;
  trial: Trial;
  /** Current hyperparameters (after the last explore). */
  params: Record<string, unknown>;
  initial: Record<string, unknown>;
  step: number;
  /** Score after the last round (a copied member holds its donor's until it trains again). */
  value: number;
  checkpoint: unknown;
  history: MemberRound[];
  state: "running" | "complete" | "failed";
  error: string | null;
}

/** One exploit: `member` took `donor`'s checkpoint at `step` and continued with `to` (explored from `from`). */
export interface LineageEvent {
  round: number;
  step: number;
  member: number;
  donor: number;
  memberValue: number;
  donorValue: number;
  before: Record<string, unknown>;
  from: Record<string, unknown>;
  to: Record<string, unknown>;
  operations: Record<string, string>;
}

export class PbtResult {
  constructor(readonly study: Study, readonly members: readonly Member[], readonly lineage: readonly LineageEvent[]) {}

  /** The complete member with the best last value. */
  get best(): Member {
    const done = this.members.filter((m) => m.state === "complete");
    return done.reduce((a, b) => ((this.study.direction === "minimize" ? b.value < a.value : b.value > a.value) ? b : a));
  }

  /**
   * The rounds behind a member's last value, following its copies back: its own rounds since its
   * last copy, after the donor's line up to that step, and so on.
   */
  line(member = this.best.number, upTo = Infinity): MemberRound[] {
    const m = this.members.find((x) => x.number === member);
    if (!m) throw new StudyError(`no member #${member}: members are ${this.members.map((x) => `#${x.number}`).join(", ")}`);
    // A copy happens after a round, and a donor is in the top quantile then, so it did not copy at that step itself.
    const copy = this.lineage.filter((e) => e.member === member && e.step < upTo).pop();
    const own = m.history.filter((h) => h.step <= upTo && (!copy || h.step > copy.step));
    return copy ? [...this.line(copy.donor, copy.step), ...own] : own;
  }

  /**
   * The hyperparameter schedule PBT found for a member (the best by default): from which step on
   * each setting was used. Replaying it trains one model the way that member's line was trained.
   */
  schedule(member = this.best.number): Array<{ fromStep: number; params: Record<string, unknown> }> {
    const out: Array<{ fromStep: number; params: Record<string, unknown> }> = [];
    let from = 0;
    for (const r of this.line(member)) {
      if (!out.length || JSON.stringify(out[out.length - 1].params) !== JSON.stringify(r.params)) out.push({ fromStep: from, params: r.params });
      from = r.step;
    }
    return out;
  }

  /** Every member's value over steps; a copy is a dotted jump from the donor's point to the member's next. */
  lineageFigure(): Figure {
    return lineageFigure(this.study.metric, this.members, this.lineage);
  }

  [MIME](): MimeBundle {
    const metric = this.study.metric;
    const keys = [...new Set(this.members.flatMap((m) => Object.keys(m.params)))];
    const sign = this.study.direction === "minimize" ? 1 : -1;
    const ranked = [...this.members].sort((a, b) => (a.state === "failed" ? 1 : 0) - (b.state === "failed" ? 1 : 0) || sign * (a.value - b.value));
    const copies = (m: Member) => {
      const c = this.lineage.filter((e) => e.member === m.number);
      return c.length ? `${c.length}× (last #${c[c.length - 1].donor} at step ${c[c.length - 1].step})` : "";
    };
    const head = ["member", metric, ...keys, "copied"];
    const rows = ranked.map((m) => [`#${m.number}`, m.state === "failed" ? `failed` : formatNumber(m.value), ...keys.map((k) => formatNumber(m.params[k])), copies(m) || "—"]);
    const best = this.members.some((m) => m.state === "complete") ? this.best : null;
    const title = `PBT ${this.study.name}: ${this.study.direction} ${metric} — ${this.members.length} members, ${Math.max(0, ...this.members.map((m) => m.history.length))} rounds, ${this.lineage.length} copies`;
    const bestLine = best ? `best: member #${best.number} ${metric} = ${formatNumber(best.value)} with ${keys.map((k) => `${k}=${formatNumber(best.params[k])}`).join(", ")}` : "no member completed";
    return {
      "text/plain": [title, bestLine, textTable(head, rows)].join("\n"),
      "text/html": `<p><b>${escapeHtml(title)}</b><br>${escapeHtml(bestLine)}</p><table><thead><tr>${head.map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
        .map((r, i) => `<tr${i === 0 ? ' style="font-weight:bold"' : ""}>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`,
    };
  }
}

/**
 * Every member's value over steps, a copy drawn as a dotted jump from the donor's point to the
 * member's next one. From a finished population, or from a study's stored trials (the Sweeps view).
 */
export function lineageFigure(
  metric: string,
  members: ReadonlyArray<{ number: number; state: string; history: ReadonlyArray<{ step: number; value: number }> }>,
  lineage: ReadonlyArray<{ member: number; step: number; donorValue: number }>,
): Figure {
  const data: unknown[] = members.map((m) => ({
    type: "scatter", mode: "lines+markers", name: `#${m.number}${m.state === "failed" ? " (failed)" : ""}`,
    x: m.history.map((h) => h.step), y: m.history.map((h) => h.value), marker: { size: 5 },
  }));
  const jumps = lineage.map((e) => {
    const next = members.find((m) => m.number === e.member)?.history.find((h) => h.step > e.step);
    return next ? { x: [e.step, next.step, null], y: [e.donorValue, next.value, null] } : null;
  }).filter((j): j is { x: (number | null)[]; y: (number | null)[] } => j !== null);
  if (jumps.length) {
    data.push({ type: "scatter", mode: "lines", name: "copied a checkpoint", x: jumps.flatMap((j) => j.x), y: jumps.flatMap((j) => j.y), line: { dash: "dot", color: "grey", width: 1 }, hoverinfo: "skip" });
  }
  return new Figure(
    { data, layout: { title: { text: `Population-based training: ${metric} of each member` }, xaxis: { title: { text: "step" } }, yaxis: { title: { text: metric } }, height: 380 } },
    `<PBT lineage: ${members.length} members, ${lineage.length} copies>`,
  );
}
