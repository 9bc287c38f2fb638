// One run in full, in three tabs: Overview (its notes and tags to edit, archive and delete; params,
// metric summaries, live curves, system metrics, code, git, data, artifacts, registry versions and
// the error of a failed run), Media (mediaPanels.ts) and Logs (logsView.ts). The curves are redrawn
// in place (plotly.react) as points stream in; the rest re-renders when the run's record changes.
import { Widget } from "@lumino/widgets";
import { formatDuration, formatNumber, formatTime } from "../../src/track/format";
import { diffBlock, h, keyValueTable, section } from "./dom";
import type { RunsModel } from "./model";
import { detailCharts, isSystem, X_AXES, type NumberTile, type XAxis } from "./charts";
import { metricRank } from "./model";
import { drawFigure, purgeFigure, resizeFigure } from "./plotly";
import { LogsView } from "./logsView";
import { MediaPanels } from "./mediaPanels";
import { RunEditor } from "./runEditor";

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** The x axis chosen last, kept for the next run opened (and the next session). */
const X_KEY = "modelbench:detail-x-axis";
function savedXAxis(): XAxis {
  try {
    const v = localStorage.getItem(X_KEY);
    return X_AXES.some(([k]) => k === v) ? (v as XAxis) : "step";
  } catch {
    return "step";
  }
}

export interface RunDetailActions {
  openArtifact(runId: string, name: string): void;
  downloadArtifact(runId: string, name: string): void;
  /** Asks before deleting a run (a JupyterLab dialog); without it the browser's confirm asks. */
  confirm?(title: string, body: string, accept: string): Promise<boolean>;
}

type Tab = "overview" | "media" | "logs";
const TABS: Array<[Tab, string]> = [["overview", "Overview"], ["media", "Media"], ["logs", "Logs"]];

export class RunDetailView extends Widget {
  private info = h("div", { class: "mb-detail-info" });
  private numbers = h("div", { class: "mb-numbers" });
  private plots = h("div", { class: "mb-plots" });
  private systemPlots = h("div", { class: "mb-plots mb-system-plots" });
  private plotEls = new Map<string, HTMLElement>();
  private rest = h("div", { class: "mb-detail-rest" });
  private xAxis = h("select", { class: "mb-select jp-mod-styled mb-x-axis", "aria-label": "x axis" });
  private curvesSection: HTMLElement;
  private systemSection: HTMLElement;
  private numbersSection: HTMLElement;
  private thinHint = h("span", { class: "mb-hint mb-thinned", hidden: true });
  private frame = 0;
  private editor: RunEditor;
  private media: MediaPanels;
  private logs: LogsView;
  private tabBar = h("div", { class: "mb-detail-tabs", role: "tablist", "aria-label": "Run detail" });
  private tabButtons = new Map<Tab, HTMLButtonElement>();
  private tabPanels = new Map<Tab, HTMLElement>();
  /** The tab shown; kept as other runs are opened in this view. */
  private tab: Tab = "overview";
  /** The run shown last, to tell a new run from an update of the same one. */
  private shownRun: string | null = null;

  constructor(private readonly model: RunsModel, private readonly actions: RunDetailActions | null = null) {
    super();
    this.addClass("mb-detail");
    this.node.tabIndex = -1;
    this.xAxis.append(...X_AXES.map(([v, label]) => h("option", { value: v }, `x: ${label}`)));
    this.xAxis.value = savedXAxis();
    this.xAxis.addEventListener("change", () => {
      try {
        localStorage.setItem(X_KEY, this.xAxis.value);
      } catch {
        /* private mode: the choice lasts this view */
      }
      this.scheduleCurves();
    });
    this.numbersSection = section("Values", this.numbers)!;
    this.curvesSection = h("section", { class: "mb-section" }, h("div", { class: "mb-section-head" }, h("h3", {}, "Curves"), this.thinHint, this.xAxis), this.plots);
    this.systemSection = section("System metrics", this.systemPlots)!;
    const confirm = actions?.confirm;
    this.editor = new RunEditor(model, confirm ? { confirm: (t, b, a) => confirm.call(actions, t, b, a) } : null);
    this.media = new MediaPanels(model);
    this.logs = new LogsView(model);
    const overview = h("div", {}, this.editor.node, this.numbersSection, this.curvesSection, this.systemSection, this.rest);
    for (const [tab, label] of TABS) {
      const button = h("button", { class: "mb-detail-tab", type: "button", role: "tab", id: `mb-detail-tab-${tab}`, "data-tab": tab, onclick: () => this.showTab(tab) }, label);
      const panel = h("div", { class: "mb-detail-tabpanel", role: "tabpanel", "aria-labelledby": button.id, "data-tab": tab },
        tab === "overview" ? overview : tab === "media" ? this.media.node : this.logs.node);
      this.tabButtons.set(tab, button);
      this.tabPanels.set(tab, panel);
      this.tabBar.append(button);
    }
    this.tabBar.addEventListener("keydown", (e) => {
      const at = TABS.findIndex(([t]) => t === this.tab);
      const to = e.key === "ArrowRight" ? at + 1 : e.key === "ArrowLeft" ? at - 1 : null;
      if (to === null) return;
      e.preventDefault();
      const [tab] = TABS[(to + TABS.length) % TABS.length];
      this.showTab(tab);
      this.tabButtons.get(tab)!.focus();
    });
    this.node.append(this.info, this.tabBar, ...this.tabPanels.values());
    model.detailChanged.connect(this.render, this);
    model.curvesChanged.connect((_, id) => id === model.detailId && this.scheduleCurves(), this);
    model.mediaChanged.connect((_, id) => id === model.detailId && this.renderMedia(), this);
    this.showTab(this.tab);
    this.render();
  }

  /** Shows one tab; what it draws is drawn (or resized) now that it has its width. */
  private showTab(tab: Tab): void {
    this.tab = tab;
    for (const [t, button] of this.tabButtons) {
      button.setAttribute("aria-selected", String(t === tab));
      button.tabIndex = t === tab ? 0 : -1;
      button.classList.toggle("mb-active", t === tab);
      this.tabPanels.get(t)!.hidden = t !== tab;
    }
    if (tab === "overview") {
      for (const el of this.plotEls.values()) void resizeFigure(el);
      this.scheduleCurves();
    }
    if (tab === "media") this.media.resize();
    if (tab === "logs") this.logs.show();
    else this.logs.hide();
  }

  private renderMedia(): void {
    const d = this.model.detail;
    const id = this.model.detailId;
    this.media.update(d && d.run.id === id ? id : null, d && d.run.id === id ? d.media : []);
    const keys = this.media.size;
    this.tabButtons.get("media")!.textContent = keys ? `Media (${keys})` : "Media";
  }

  /** The run shown (for the tab's title). */
  get runName(): string {
    return this.model.detail?.run.name ?? "Run";
  }

  private render(): void {
    const d = this.model.detail;
    this.title.label = d ? `Run: ${d.run.name}` : "Run";
    this.editor.update(d && d.run.id === this.model.detailId ? d : null);
    this.renderMedia();
    if (this.model.detailId !== this.shownRun) {
      this.shownRun = this.model.detailId;
      this.logs.reset();
    }
    if (!d) {
      this.info.replaceChildren(h("p", { class: "mb-empty" }, this.model.detailId ? "Loading…" : "No run open."));
      this.rest.replaceChildren();
      return;
    }
    const r = d.run;
    const duration = r.durationMs ?? (r.status === "running" ? Date.now() - r.startedAt : null);
    this.info.replaceChildren(
      h("header", { class: "mb-detail-header" },
        h("span", { class: `mb-status-dot mb-status-${r.status}`, title: r.status }),
        h("h2", {}, r.name),
        h("span", { class: `mb-badge mb-status-text-${r.status}` }, r.status),
        r.archived ? h("span", { class: "mb-badge mb-archived-badge" }, "archived") : null,
        d.deleted ? h("span", { class: "mb-badge mb-status-text-failed" }, "deleted") : null,
      ),
      keyValueTable([
        ["id", h("code", {}, r.id)],
        ["started", formatTime(r.startedAt)],
        ["duration", formatDuration(duration)],
        ["project", r.project],
        ...(r.parentId ? [["parent", h("code", {}, r.parentId)] as [string, Node]] : []),
        ...(r.seed !== null ? [["seed", String(r.seed)] as [string, string]] : []),
        ["host", `${r.host} (pid ${r.pid})`],
        ...(r.notebookPath ? [["notebook", r.notebookPath] as [string, string]] : []),
      ])!,
      r.error ? h("div", { class: "mb-run-error", role: "alert" }, h("strong", {}, `This run ${r.status}: `), h("pre", {}, r.error)) : "",
    );
    const metrics = Object.values(r.metrics).filter((m) => !isSystem(m.key));
    const system = Object.values(r.metrics).filter((m) => isSystem(m.key));
    const metricTable = (ms: typeof metrics) =>
      ms.length
        ? h("table", { class: "mb-table" },
            h("thead", {}, h("tr", {}, ...["metric", "last", "best", "min", "max", "steps", "goal"].map((c) => h("th", {}, c)))),
            h("tbody", {}, ...ms.map((m) => h("tr", {}, h("td", {}, m.key), ...[m.last, m.best, m.min, m.max, m.count].map((v) => h("td", { class: "mb-num" }, formatNumber(v))), h("td", {}, m.goal ?? "")))))
        : null;
    this.rest.replaceChildren(
      ...[
        section("Params", keyValueTable(Object.entries(r.params).map(([k, v]) => [k, formatNumber(v)]))),
        section("Metrics", metricTable(metrics)),
        section("System metrics", metricTable(system)),
        section("Code", r.source ? h("pre", { class: "mb-code mb-source" }, r.source) : null),
        section("Git",
          r.gitCommit ? keyValueTable([["commit", h("code", {}, r.gitCommit)], ["branch", r.gitBranch ?? ""], ["dirty", r.gitDirty ? "yes — the diff below was not committed" : "no"]]) : null,
          r.gitDiff ? h("details", {}, h("summary", {}, "Uncommitted changes (git diff HEAD)"), diffBlock(r.gitDiff)) : null),
        section("Data", r.data.length ? h("table", { class: "mb-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "path"), h("th", {}, "sha256"), h("th", {}, "size"))),
          h("tbody", {}, ...r.data.map((x) => h("tr", {}, h("td", {}, x.path), h("td", {}, h("code", {}, x.hash.slice(0, 16))), h("td", { class: "mb-num" }, bytes(x.bytes)))))) : null),
        section("Artifacts", r.artifacts.length ? h("table", { class: "mb-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "name"), h("th", {}, "kind"), h("th", {}, "size"), h("th", {}, "hash"), this.actions ? h("th", {}, "") : null)),
          h("tbody", {}, ...r.artifacts.map((a) => h("tr", { "data-artifact": a.name },
            h("td", {}, a.name), h("td", {}, a.kind), h("td", { class: "mb-num" }, bytes(a.bytes)), h("td", {}, h("code", { title: a.hash }, a.hash.slice(0, 12))),
            this.actions ? h("td", { class: "mb-artifact-actions" },
              h("button", { class: "jp-mod-styled mb-open-artifact", type: "button", title: `Open ${a.name}`, onclick: () => this.actions!.openArtifact(r.id, a.name) }, "Open"),
              h("button", { class: "jp-mod-styled mb-download-artifact", type: "button", title: `Download ${a.name}`, onclick: () => this.actions!.downloadArtifact(r.id, a.name) }, "Download")) : null)))) : null),
        section("Registry", d.versions.length ? h("ul", { class: "mb-versions" },
          ...d.versions.map((v) => h("li", {}, h("strong", {}, `${v.name} v${v.version}`), v.aliases.length ? ` @${v.aliases.join(" @")}` : "", v.description ? ` — ${v.description}` : ""))) : null),
        section("Environment", Object.keys(r.env).length ? h("details", {}, h("summary", {}, "env"), h("pre", { class: "mb-code" }, JSON.stringify(r.env, null, 2))) : null),
      ].filter((x): x is HTMLElement => x !== null),
    );
    this.scheduleCurves();
  }

  private scheduleCurves(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      void this.drawCurves();
    });
  }

  /**
   * Numbers for metrics logged once, one plot per curve (system metrics against time); plots
   * already drawn are updated in place, not rebuilt.
   */
  private async drawCurves(): Promise<void> {
    const id = this.model.detailId;
    const d = this.model.detail;
    // Drawn when the Overview shows (a hidden plot has no width); showing it draws them.
    if (!id || !this.isVisible || this.tab !== "overview") return;
    const summaries = d && d.run.id === id ? d.run.metrics : {};
    const startedAt = d && d.run.id === id ? d.run.startedAt : 0;
    const charts = detailCharts(this.model.curvesOf(id), summaries, this.xAxis.value as XAxis, startedAt, (key) => metricRank(this.model.runs, id, key));
    this.numbers.replaceChildren(...charts.numbers.map((n) => this.tile(n)));
    this.numbersSection.hidden = !charts.numbers.length;
    const want = new Map(charts.curves.map((c) => [c.key, c]));
    for (const [key, el] of this.plotEls) {
      if (!want.has(key)) {
        purgeFigure(el);
        el.remove();
        this.plotEls.delete(key);
      }
    }
    for (const c of charts.curves) {
      let el = this.plotEls.get(c.key);
      const parent = c.system ? this.systemPlots : this.plots;
      if (!el || el.parentElement !== parent) {
        el?.remove();
        el = h("div", { class: "mb-plot", "data-metric": c.key });
        parent.appendChild(el);
        this.plotEls.set(c.key, el);
      }
      el.dataset.points = String(c.points);
      el.dataset.x = c.x;
      const full = d && d.run.id === id ? d.thinned[c.key] : undefined;
      if (full) el.dataset.thinned = String(full);
      else delete el.dataset.thinned;
      await drawFigure(el, c.figure);
    }
    const thinned = d && d.run.id === id ? Object.entries(d.thinned) : [];
    this.thinHint.hidden = !thinned.length;
    this.thinHint.textContent = thinned.length
      ? `${thinned.map(([k, n]) => `${k} (${n.toLocaleString()} points)`).join(", ")} drawn from the low and high of each stretch of steps`
      : "";
    const curves = charts.curves.filter((c) => !c.system).length;
    this.xAxis.hidden = !charts.curves.length;
    this.systemSection.hidden = !charts.curves.some((c) => c.system);
    this.plots.querySelector(":scope > .mb-empty")?.remove();
    if (!curves) this.plots.prepend(h("p", { class: "mb-empty" }, charts.numbers.length ? "No metric has two or more points yet: the values above were logged once." : "No metrics logged yet."));
  }

  private tile(n: NumberTile): HTMLElement {
    const better = n.goal === "max" ? "higher is better" : n.goal === "min" ? "lower is better" : "";
    return h("div", { class: `mb-number${n.system ? " mb-number-system" : ""}`, "data-metric": n.key, title: [n.key, better].filter(Boolean).join(": ") },
      h("div", { class: "mb-number-key" }, n.key),
      h("div", { class: "mb-number-value" }, formatNumber(n.value)),
      n.rank ? h("div", { class: "mb-number-rank" }, n.rank.rank === 1 ? `best of ${n.rank.of} runs` : `#${n.rank.rank} of ${n.rank.of} runs`) : null);
  }

  protected onAfterShow(): void {
    this.scheduleCurves();
  }

  protected onResize(): void {
    for (const el of this.plotEls.values()) void resizeFigure(el);
    this.media.resize();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.media.dispose();
    this.logs.dispose();
    this.editor.dispose();
    for (const el of this.plotEls.values()) purgeFigure(el);
    if (this.frame) cancelAnimationFrame(this.frame);
    super.dispose();
  }
}
