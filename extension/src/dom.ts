// A small element builder for the views (plain DOM inside Lumino widgets, no framework).

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: any) => void)>;

/** `h("td", { class: "x", onclick }, "text", child)`; attributes that are null/false are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** A table of label/value rows, or null when there are none (the section is then left out). */
export function keyValueTable(rows: Array<[string, Child]>, className = "mb-kv"): HTMLTableElement | null {
  if (!rows.length) return null;
  return h("table", { class: className }, h("tbody", {}, ...rows.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))));
}

/** A unified diff with added/removed lines marked for colouring. */
export function diffBlock(diff: string): HTMLPreElement {
  const pre = h("pre", { class: "mb-diff" });
  for (const line of diff.split("\n")) {
    const kind = line.startsWith("+++") || line.startsWith("---") ? "mb-diff-file" : line.startsWith("+") ? "mb-diff-add" : line.startsWith("-") ? "mb-diff-del" : line.startsWith("@@") ? "mb-diff-hunk" : "";
    pre.appendChild(h("div", { class: kind || null }, line || " "));
  }
  return pre;
}

export function section(title: string, ...body: Child[]): HTMLElement | null {
  const content = body.filter(Boolean);
  if (!content.length) return null;
  return h("section", { class: "mb-section" }, h("h3", {}, title), ...content);
}

let canvas: HTMLCanvasElement | null = null;

/** A text-width measure in `el`'s font (one canvas for all). */
export function measureIn(el: Element): (s: string) => number {
  canvas ??= document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  const style = getComputedStyle(el);
  if (!ctx) return (s) => s.length * 7;
  ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return (s) => ctx.measureText(s).width;
}
