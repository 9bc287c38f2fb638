// The notebook diff view: one section per changed cell (side by side or inline), unchanged cells
// folded into one row each run, markdown rendered or raw, outputs and metadata only when asked for.
// Keys: n / p (or j / k) go to the next / previous changed cell; the toggles are plain buttons.
import { Widget } from "@lumino/widgets";
import type { DiffOp } from "../../src/diff";
import type { CellDiff, PartDiff } from "../../src/notebook/diff";
import { h } from "./dom";
import { DiffModel, diffSummary, sideBySideRows, type DiffBlock, type DiffOptions } from "./pairing";

/** Renders markdown into an element (JupyterLab's rendermime), or null when none is at hand. */
export type MarkdownRenderer = (source: string) => Promise<HTMLElement> | null;

const OP_LABEL: Record<CellDiff["op"], string> = { equal: "unchanged", changed: "changed", added: "added", removed: "removed" };

export class DiffView extends Widget {
  private head = h("div", { class: "mb-dv-head" });
  private controls = h("div", { class: "mb-dv-controls", role: "toolbar", "aria-label": "Diff options" });
  private status = h("div", { class: "mb-dv-status", "aria-live": "polite" });
  private body = h("div", { class: "mb-dv-body" });
  private generation = 0;

  constructor(readonly model: DiffModel, private readonly renderMarkdown: MarkdownRenderer, private readonly reload: () => void) {
    super();
    this.addClass("mb-diffview");
    this.node.tabIndex = 0;
    this.title.label = "Notebook diff";
    this.node.append(this.head, this.controls, this.status, this.body);
    this.node.addEventListener("keydown", (e) => this.onKey(e));
    model.changed.connect(this.render, this);
    this.render();
  }

  private toggle(label: string, pressed: boolean, title: string, onClick: () => void): HTMLButtonElement {
    return h("button", { class: "mb-dv-toggle", type: "button", "aria-pressed": String(pressed), title, onclick: onClick }, label);
  }

  private renderControls(o: DiffOptions): void {
    const set = (change: Partial<DiffOptions>) => this.model.setOptions(change);
    this.controls.replaceChildren(
      h("span", { class: "mb-dv-group", role: "group", "aria-label": "Layout" },
        this.toggle("Side by side", o.layout === "side-by-side", "Changed lines in two columns", () => set({ layout: "side-by-side" })),
        this.toggle("Inline", o.layout === "inline", "Changed lines in one column", () => set({ layout: "inline" }))),
      h("span", { class: "mb-dv-group", role: "group", "aria-label": "Markdown" },
        this.toggle("Rendered", o.markdown === "rendered", "Markdown cells rendered", () => set({ markdown: "rendered" })),
        this.toggle("Raw", o.markdown === "raw", "Markdown cells as text", () => set({ markdown: "raw" }))),
      this.toggle("Outputs", o.outputs, "Compare outputs too", () => set({ outputs: !o.outputs })),
      this.toggle("Metadata", o.metadata, "Compare cell and notebook metadata too", () => set({ metadata: !o.metadata })),
      h("button", { class: "mb-dv-refresh", type: "button", title: "Read both sides again", onclick: () => this.reload() }, "Refresh"),
    );
  }

  private render(): void {
    const generation = ++this.generation;
    const m = this.model;
    const d = m.document;
    this.renderControls(m.options);
    if (d) this.title.label = d.title;
    this.head.replaceChildren();
    if (d) {
      this.head.append(h("div", { class: "mb-dv-labels" }, h("span", { class: "mb-dv-label mb-dv-a" }, d.labels[0]), h("span", { class: "mb-dv-arrow", "aria-hidden": "true" }, " → "), h("span", { class: "mb-dv-label mb-dv-b" }, d.labels[1])));
      if (d.note) this.head.append(h("p", { class: "mb-dv-note" }, d.note));
    }
    if (m.loading && !d) {
      this.status.textContent = "Reading…";
      this.body.replaceChildren();
      return;
    }
    if (m.error) {
      this.status.replaceChildren();
      this.body.replaceChildren(h("div", { class: "mb-error mb-dv-error", role: "alert" }, m.error));
      return;
    }
    if (!m.diff) return;
    const n = diffSummary(m.diff);
    this.status.textContent = m.diff.equal
      ? `No differences in ${m.diff.cells.length} cells${m.options.outputs || m.options.metadata ? "" : " (inputs compared; outputs and metadata hidden)"}.`
      : `${n.changed} changed, ${n.added} added, ${n.removed} removed, ${n.equal} unchanged cells.`;
    const parts: HTMLElement[] = [];
    if (m.diff.metadata) parts.push(h("section", { class: "mb-dv-cell", "data-op": "changed" }, h("h4", { class: "mb-dv-cell-head" }, "Notebook metadata"), this.part(m.diff.metadata, false)));
    for (const block of m.blocks) parts.push(this.block(block, generation));
    this.body.replaceChildren(...parts);
  }

  private block(block: DiffBlock, generation: number): HTMLElement {
    if (block.kind === "unchanged") {
      const open = this.model.expanded.has(block.start);
      const count = block.cells.length;
      const button = h(
        "button",
        { class: "mb-dv-fold", type: "button", "aria-expanded": String(open), onclick: () => this.model.toggleExpanded(block.start) },
        `${open ? "▾" : "▸"} ${count} unchanged cell${count === 1 ? "" : "s"}`,
      );
      const wrap = h("div", { class: "mb-dv-unchanged" }, button);
      if (open) for (const c of block.cells) wrap.append(h("pre", { class: "mb-dv-plain", "data-cell-type": c.cellType }, c.source.b || " "));
      return wrap;
    }
    const c = block.cell;
    const where = c.op === "added" ? `Cell ${c.b! + 1}` : c.op === "removed" ? `Cell ${c.a! + 1}` : c.a === c.b ? `Cell ${c.a! + 1}` : `Cell ${c.a! + 1} → ${c.b! + 1}`;
    const section = h(
      "section",
      { class: `mb-dv-cell mb-dv-${c.op}`, "data-op": c.op, "data-cell-type": c.cellType, tabindex: "-1" },
      h("h4", { class: "mb-dv-cell-head" }, `${where} ${OP_LABEL[c.op]}`, h("span", { class: "mb-dv-type" }, ` ${c.cellType}`)),
    );
    if (c.cellType === "markdown" && this.model.options.markdown === "rendered") section.append(this.renderedMarkdown(c, generation));
    else if (c.source.a !== c.source.b) section.append(this.part(c.source, c.op === "added" || c.op === "removed"));
    for (const [label, p] of [["Outputs", c.outputs], ["Metadata", c.metadata]] as const) {
      if (p && p.a !== p.b) section.append(h("div", { class: "mb-dv-part-label" }, label), this.part(p, false));
    }
    return section;
  }

  /** Before and after, each rendered, in the chosen layout; raw text when no renderer is at hand. */
  private renderedMarkdown(c: CellDiff, generation: number): HTMLElement {
    const side = (text: string, which: "a" | "b") => {
      const el = h("div", { class: `mb-dv-md mb-dv-md-${which}`, "data-side": which });
      if (!text && ((which === "a" && c.op === "added") || (which === "b" && c.op === "removed"))) {
        el.append(h("span", { class: "mb-empty" }, which === "a" ? "(not there)" : "(removed)"));
        return el;
      }
      const rendered = this.renderMarkdown(text);
      if (!rendered) el.append(h("pre", { class: "mb-dv-plain" }, text));
      else void rendered.then((node) => generation === this.generation && el.append(node)).catch(() => el.append(h("pre", { class: "mb-dv-plain" }, text)));
      return el;
    };
    const layout = this.model.options.layout === "side-by-side" ? "mb-dv-md-pair" : "mb-dv-md-stack";
    return h("div", { class: layout }, side(c.source.a, "a"), side(c.source.b, "b"));
  }

  private part(p: PartDiff, whole: boolean): HTMLElement {
    return this.model.options.layout === "side-by-side" && !whole ? sideBySide(p.lines) : inline(p.lines);
  }

  private changedSections(): HTMLElement[] {
    return [...this.body.querySelectorAll<HTMLElement>(".mb-dv-cell")];
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (target.closest("input, textarea, [contenteditable]") || e.ctrlKey || e.metaKey || e.altKey) return;
    const step = e.key === "n" || e.key === "j" ? 1 : e.key === "p" || e.key === "k" ? -1 : 0;
    if (!step) return;
    const cells = this.changedSections();
    if (!cells.length) return;
    const at = cells.findIndex((c) => c === target.closest(".mb-dv-cell"));
    const next = cells[at < 0 ? (step > 0 ? 0 : cells.length - 1) : Math.min(cells.length - 1, Math.max(0, at + step))];
    next.focus();
    next.scrollIntoView?.({ block: "nearest" });
    e.preventDefault();
  }

  protected onActivateRequest(): void {
    this.node.focus();
  }
}

function inline(ops: DiffOp[]): HTMLElement {
  const table = h("table", { class: "mb-dv-lines mb-dv-inline" });
  const body = h("tbody");
  for (const o of ops) {
    const cls = o.op === "equal" ? "mb-dv-eq" : o.op === "delete" ? "mb-dv-del" : "mb-dv-ins";
    body.append(
      h("tr", { class: cls },
        h("td", { class: "mb-dv-n" }, o.op === "insert" ? "" : String(o.a + 1)),
        h("td", { class: "mb-dv-n" }, o.op === "delete" ? "" : String(o.b + 1)),
        h("td", { class: "mb-dv-sign", "aria-label": o.op === "equal" ? null : o.op === "delete" ? "removed" : "added" }, o.op === "equal" ? " " : o.op === "delete" ? "−" : "+"),
        h("td", { class: "mb-dv-text" }, o.line)),
    );
  }
  table.append(body);
  return table;
}

function sideBySide(ops: DiffOp[]): HTMLElement {
  const table = h("table", { class: "mb-dv-lines mb-dv-sbs" });
  const body = h("tbody");
  for (const row of sideBySideRows(ops)) {
    const cls = (op?: string) => (op === "delete" ? "mb-dv-del" : op === "insert" ? "mb-dv-ins" : op === "equal" ? "mb-dv-eq" : "mb-dv-none");
    body.append(
      h("tr", {},
        h("td", { class: "mb-dv-n" }, row.left ? String(row.left.n) : ""),
        h("td", { class: `mb-dv-text mb-dv-left ${cls(row.left?.op)}` }, row.left?.text ?? ""),
        h("td", { class: "mb-dv-n" }, row.right ? String(row.right.n) : ""),
        h("td", { class: `mb-dv-text mb-dv-right ${cls(row.right?.op)}` }, row.right?.text ?? "")),
    );
  }
  table.append(body);
  return table;
}
