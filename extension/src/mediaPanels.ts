// A run's media in its detail: one panel per key, in sections by the key's prefix before "/" (as
// W&B groups them), each with a step slider when the key was logged at several steps. A panel
// fetches its content only once it is scrolled into view (and again only for a step not seen), and
// follows new steps live while it shows the latest one.
import { h } from "./dom";
import { MediaItemView } from "./mediaItem";
import { MediaTable } from "./mediaTable";
import type { RunsModel } from "./model";
import type { MediaContent, MediaRecord } from "./wire";

/** The section a key belongs to: its prefix before the first "/", "" for none. */
export function mediaSection(key: string): string {
  const at = key.indexOf("/");
  return at > 0 ? key.slice(0, at) : "";
}

/** Contents kept per panel (steps slid back to are not fetched again). */
const CACHED_STEPS = 16;

class MediaPanel {
  readonly node: HTMLElement;
  private label = h("span", { class: "mb-media-step" });
  private slider = h("input", { class: "mb-media-slider", type: "range", min: 0, step: 1, "aria-label": "Step" });
  private body = h("div", { class: "mb-media-body" });
  private message = h("div", { class: "mb-media-message", role: "status" });
  private item: MediaItemView | null = null;
  private table: MediaTable | null = null;
  private records: MediaRecord[] = [];
  private index = 0;
  /** At the latest step: a newly logged step is shown as it comes. */
  private following = true;
  private visible = false;
  /** What is shown: `${step}:${hash}` (a step logged again has another hash). */
  private shown = "";
  private cache = new Map<string, Promise<MediaContent>>();
  private slideTimer = 0;
  private generation = 0;

  constructor(private readonly model: RunsModel, private readonly runId: string, readonly key: string) {
    const name = mediaSection(key) ? key.slice(key.indexOf("/") + 1) : key;
    this.node = h("section", { class: "mb-media-panel", "data-key": key, "aria-label": key },
      h("header", { class: "mb-media-head" }, h("h4", { title: key }, name), this.label),
      this.slider, this.message, this.body);
    this.slider.addEventListener("input", () => {
      this.index = Number(this.slider.value);
      this.following = this.index === this.records.length - 1;
      this.renderStep();
      // Dragging fetches once it pauses; a step seen before shows at once.
      window.clearTimeout(this.slideTimer);
      this.slideTimer = window.setTimeout(() => void this.load(), this.cached() ? 0 : 60);
    });
  }

  get kind(): MediaRecord["kind"] {
    return this.records[this.records.length - 1]?.kind ?? "text";
  }

  /** The key's records (by step): a new step is followed when the panel shows the latest. */
  setRecords(records: MediaRecord[]): void {
    this.records = records;
    this.index = this.following ? records.length - 1 : Math.min(this.index, records.length - 1);
    this.node.dataset.kind = this.kind;
    this.node.dataset.steps = String(records.length);
    this.slider.max = String(Math.max(0, records.length - 1));
    this.slider.hidden = records.length < 2;
    this.renderStep();
    if (this.visible) void this.load();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.load();
  }

  private get record(): MediaRecord {
    return this.records[this.index];
  }

  private renderStep(): void {
    const r = this.record;
    this.slider.value = String(this.index);
    this.slider.setAttribute("aria-valuetext", `step ${r.step}`);
    this.label.textContent = this.records.length > 1 ? `step ${r.step} (${this.index + 1} of ${this.records.length})` : `step ${r.step}`;
  }

  private cached(): boolean {
    const r = this.record;
    return this.cache.has(`${r.step}:${r.hash}`);
  }

  /** Fetches and shows the chosen step's item, unless it is what is shown. */
  private async load(): Promise<void> {
    const r = this.record;
    if (!r) return;
    const id = `${r.step}:${r.hash}`;
    if (id === this.shown) return;
    this.shown = id;
    const generation = ++this.generation;
    this.node.dataset.step = String(r.step);
    if (r.kind === "table") return this.showTable(r, generation);
    let content = this.cache.get(id);
    if (!content) {
      const pushed = this.model.pushedMedia(r.hash);
      content = pushed ? Promise.resolve(pushed) : this.model.fetchMedia(this.runId, this.key, r.step);
      this.cache.set(id, content);
      while (this.cache.size > CACHED_STEPS) this.cache.delete(this.cache.keys().next().value!);
      content.catch(() => this.cache.delete(id));
    }
    this.node.setAttribute("aria-busy", "true");
    try {
      const c = await content;
      if (generation !== this.generation) return;
      await this.showItem(c);
      this.say("");
      this.node.dataset.shown = String(c.step);
    } catch (e) {
      if (generation !== this.generation) return;
      this.shown = "";
      this.say(e instanceof Error ? e.message : String(e), true);
    } finally {
      if (generation === this.generation) this.node.removeAttribute("aria-busy");
    }
  }

  private async showItem(c: MediaContent): Promise<void> {
    if (!this.item) {
      this.item = new MediaItemView();
      this.body.replaceChildren(this.item.node);
    }
    await this.item.show(c);
  }

  private async showTable(r: MediaRecord, generation: number): Promise<void> {
    if (!this.table) {
      this.table = new MediaTable();
      this.body.replaceChildren(this.table.node);
    }
    await this.table.show(async (query) => {
      const c = await this.model.fetchMedia(this.runId, this.key, r.step, query);
      return c.table!;
    });
    if (generation === this.generation) this.node.dataset.shown = String(r.step);
  }

  private say(text: string, error = false): void {
    this.message.textContent = text;
    this.message.hidden = !text;
    this.message.classList.toggle("mb-error", error);
  }

  resize(): void {
    this.item?.resize();
  }

  dispose(): void {
    window.clearTimeout(this.slideTimer);
    this.item?.dispose();
    this.table?.dispose();
  }
}

/** The Media tab of a run's detail: sections of panels, kept in step with the model's records. */
export class MediaPanels {
  readonly node = h("div", { class: "mb-media" });
  private panels = new Map<string, MediaPanel>();
  private sections = new Map<string, HTMLElement>();
  private runId: string | null = null;
  private readonly observer = new IntersectionObserver((entries) => {
    for (const e of entries) this.panelOf(e.target)?.setVisible(e.isIntersecting);
  }, { rootMargin: "200px" });

  constructor(private readonly model: RunsModel) {}

  /** Number of keys (panels). */
  get size(): number {
    return this.panels.size;
  }

  private panelOf(el: Element): MediaPanel | undefined {
    return this.panels.get((el as HTMLElement).dataset.key ?? "");
  }

  /** Shows `records` of run `runId`: another run starts over; the same run's panels are updated in place. */
  update(runId: string | null, records: readonly MediaRecord[]): void {
    if (runId !== this.runId) this.clear();
    this.runId = runId;
    if (!runId) return;
    const byKey = new Map<string, MediaRecord[]>();
    for (const r of records) (byKey.get(r.key) ?? byKey.set(r.key, []).get(r.key)!).push(r);
    for (const [key, list] of [...byKey].sort(([a], [b]) => (a < b ? -1 : 1))) {
      let panel = this.panels.get(key);
      if (!panel) {
        panel = new MediaPanel(this.model, runId, key);
        this.panels.set(key, panel);
        this.place(panel);
        this.observer.observe(panel.node);
      }
      panel.setRecords(list.sort((a, b) => a.step - b.step));
    }
    if (!this.panels.size && !this.node.querySelector(".mb-empty")) {
      this.node.replaceChildren(h("p", { class: "mb-empty" }, "No media logged: logFigure, logTable, logImage and logText log them from a run (or %log --figure name=variable)."));
    }
  }

  /** A new panel into its section (made when first needed), sections and panels in key order. */
  private place(panel: MediaPanel): void {
    this.node.querySelector(":scope > .mb-empty")?.remove();
    const name = mediaSection(panel.key);
    let section = this.sections.get(name);
    if (!section) {
      section = h("details", { class: "mb-media-section", open: true, "data-section": name },
        h("summary", {}, name || "media"), h("div", { class: "mb-media-grid" }));
      const after = [...this.sections.keys()].sort().find((s) => s > name);
      this.node.insertBefore(section, after !== undefined ? this.sections.get(after)! : null);
      this.sections.set(name, section);
    }
    const grid = section.querySelector(".mb-media-grid")!;
    const next = [...grid.children].find((el) => ((el as HTMLElement).dataset.key ?? "") > panel.key);
    grid.insertBefore(panel.node, next ?? null);
  }

  /** After the tab is shown again or the widget resized: plots take their new width. */
  resize(): void {
    for (const p of this.panels.values()) p.resize();
  }

  private clear(): void {
    this.observer.disconnect();
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
    this.sections.clear();
    this.node.replaceChildren();
  }

  dispose(): void {
    this.clear();
  }
}
