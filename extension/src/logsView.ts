// A run's Logs tab: the console output it kept (stdout, and stderr marked), following new output
// live while the run runs, and a search box that narrows it to the lines containing the text
// (over what was fetched: a run keeps at most 2 MB).
import { Signal } from "@lumino/signaling";
import { h } from "./dom";
import type { RunsModel } from "./model";
import type { OutputChunk } from "./wire";

/** The output as lines, each with the stream it came from (a chunk may end mid-line: the next one continues it). */
export function outputLines(chunks: readonly OutputChunk[]): Array<{ stream: OutputChunk["stream"]; text: string }> {
  const lines: Array<{ stream: OutputChunk["stream"]; text: string }> = [];
  let open = false;
  for (const c of chunks) {
    const parts = c.text.split("\n");
    parts.forEach((part, i) => {
      const last = lines[lines.length - 1];
      if (i === 0 && open && last && last.stream === c.stream) last.text += part;
      else lines.push({ stream: c.stream, text: part });
    });
    open = !c.text.endsWith("\n");
    if (!open) lines.pop(); // the empty piece after the closing newline
  }
  return lines;
}

/** Lines shown for a search at most (the count says how many matched). */
const MAX_MATCHES = 5000;

export class LogsView {
  readonly node = h("div", { class: "mb-logs" });
  private search = h("input", { class: "jp-mod-styled mb-logs-search", type: "search", placeholder: "search the output", "aria-label": "Search the output", spellcheck: "false" });
  private count = h("span", { class: "mb-hint mb-logs-count", "aria-live": "polite" });
  private pre = h("pre", { class: "mb-logs-text", tabindex: 0, "aria-label": "Console output" });
  private status = h("div", { class: "mb-logs-status" });
  private searchTimer = 0;
  private active = false;

  constructor(private readonly model: RunsModel) {
    this.search.addEventListener("input", () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => this.render(), 150);
    });
    this.node.append(
      h("div", { class: "mb-logs-toolbar" }, this.search, this.count, h("span", { class: "mb-hint" }, h("span", { class: "mb-logs-legend mb-log-stderr" }, "stderr"), " is marked")),
      this.status, this.pre);
    model.outputChanged.connect((_, change) => {
      if (change.runId !== this.model.detailId && change.added) return;
      if (change.added && !this.query) this.append(change.added);
      else this.render();
    }, this);
  }

  private get query(): string {
    return this.search.value.trim().toLowerCase();
  }

  /** The tab is shown: the open run's output is fetched once (pushes keep it current). */
  show(): void {
    this.active = true;
    const id = this.model.detailId;
    if (id && this.model.output?.runId !== id) void this.model.loadOutput();
    else this.render();
  }

  hide(): void {
    this.active = false;
  }

  /** The open run changed: its output is fetched when the tab shows. */
  reset(): void {
    this.search.value = "";
    if (this.active) this.show();
    else this.render();
  }

  private atBottom(): boolean {
    const p = this.pre;
    return p.scrollHeight - p.scrollTop - p.clientHeight < 24;
  }

  private chunkNode(c: OutputChunk): Node {
    return c.stream === "stderr" ? h("span", { class: "mb-log-stderr" }, c.text) : document.createTextNode(c.text);
  }

  /** New output, no search: appended where it is, the view following it when it was at the end. */
  private append(chunks: OutputChunk[]): void {
    const follow = this.atBottom();
    this.pre.append(...chunks.map((c) => this.chunkNode(c)));
    this.updateCount();
    if (follow) this.pre.scrollTop = this.pre.scrollHeight;
  }

  private updateCount(matched?: number): void {
    const out = this.model.output;
    const lines = out ? outputLines(out.chunks).length : 0;
    this.count.textContent = matched === undefined ? `${lines.toLocaleString()} line${lines === 1 ? "" : "s"}` : `${matched.toLocaleString()} of ${lines.toLocaleString()} lines`;
    this.node.dataset.lines = String(matched ?? lines);
  }

  private render(): void {
    const out = this.model.output;
    const mine = out && out.runId === this.model.detailId ? out : null;
    this.status.replaceChildren();
    this.status.hidden = true;
    if (!mine || mine.loading || mine.error) {
      this.pre.replaceChildren();
      this.count.textContent = "";
      this.status.hidden = false;
      this.status.append(mine?.error ? h("div", { class: "mb-error", role: "alert" }, mine.error) : h("p", { class: "mb-empty" }, mine?.loading ? "Loading…" : ""));
      return;
    }
    if (!mine.chunks.length) {
      this.pre.replaceChildren();
      this.updateCount();
      this.status.hidden = false;
      this.status.append(h("p", { class: "mb-empty" }, "No console output kept: what a run prints (console.log, stderr) is kept with it."));
      return;
    }
    const q = this.query;
    const follow = this.atBottom() || !this.pre.childNodes.length;
    if (!q) {
      this.pre.replaceChildren(...mine.chunks.map((c) => this.chunkNode(c)));
      this.updateCount();
    } else {
      const matches = outputLines(mine.chunks).filter((l) => l.text.toLowerCase().includes(q));
      this.pre.replaceChildren(...matches.slice(-MAX_MATCHES).map((l) => this.highlighted(l, q)));
      this.updateCount(matches.length);
      if (!matches.length) {
        this.status.hidden = false;
        this.status.append(h("p", { class: "mb-empty" }, `No line contains “${this.search.value.trim()}”.`));
      }
    }
    if (follow) this.pre.scrollTop = this.pre.scrollHeight;
  }

  /** A matching line with the matches marked. */
  private highlighted(line: { stream: OutputChunk["stream"]; text: string }, q: string): HTMLElement {
    const el = h("div", { class: `mb-log-line${line.stream === "stderr" ? " mb-log-stderr" : ""}` });
    const lower = line.text.toLowerCase();
    let at = 0;
    for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, at)) {
      if (i > at) el.append(line.text.slice(at, i));
      el.append(h("mark", {}, line.text.slice(i, i + q.length)));
      at = i + q.length;
    }
    if (at < line.text.length) el.append(line.text.slice(at));
    return el;
  }

  dispose(): void {
    window.clearTimeout(this.searchTimer);
    // The model outlives the view: its signals must not keep calling a disposed one.
    Signal.clearData(this);
  }
}
