// One logged media item drawn into an element, redrawn in place as another step is chosen: a plotly
// figure (plotly.react keeps the plot), an image, text. An image is shown through a blob URL in an
// <img>, so an SVG's scripts never run and its markup never enters the page. Tables are paged:
// mediaTable.ts.
import { h } from "./dom";
import { drawFigure, purgeFigure, resizeFigure } from "./plotly";
import { decodeBase64, type MediaContent } from "./wire";

/** Images narrower than this (in pixels) are scaled up by a whole factor. */
const SMALL_IMAGE = 160;

/** Text beyond this is cut in the panel (the whole is in the store: loadMedia reads it). */
export const MAX_SHOWN_TEXT = 200_000;

export class MediaItemView {
  readonly node = h("div", { class: "mb-media-item" });
  private plot: HTMLElement | null = null;
  private url: string | null = null;
  private kind: MediaContent["kind"] | null = null;

  /** Shows `content` (figure, image or text) in place of what was shown. */
  async show(content: MediaContent): Promise<void> {
    if (content.kind !== this.kind) this.clear();
    this.kind = content.kind;
    this.node.dataset.kind = content.kind;
    this.node.dataset.step = String(content.step);
    if (content.kind === "figure") {
      this.plot ??= this.node.appendChild(h("div", { class: "mb-media-figure" }));
      const figure = content.json ?? { data: [] };
      await drawFigure(this.plot, { data: figure.data ?? [], layout: { height: 300, ...figure.layout } });
    } else if (content.kind === "image") {
      this.showImage(content);
    } else if (content.kind === "text") {
      const text = content.text ?? "";
      this.node.replaceChildren(h("pre", { class: "mb-code mb-media-text" }, text.length > MAX_SHOWN_TEXT ? text.slice(0, MAX_SHOWN_TEXT) : text));
      if (text.length > MAX_SHOWN_TEXT) this.node.append(h("p", { class: "mb-hint" }, `${(text.length - MAX_SHOWN_TEXT).toLocaleString()} more characters: read the whole with loadMedia in a cell`));
    } else {
      this.node.replaceChildren(h("p", { class: "mb-empty" }, `A ${content.kind} is not shown here.`));
    }
  }

  private showImage(content: MediaContent): void {
    const old = this.url;
    this.url = URL.createObjectURL(new Blob([decodeBase64(content.base64 ?? "") as BlobPart], { type: content.mime }));
    let img = this.node.querySelector("img");
    if (!img) img = this.node.appendChild(h("img", { class: "mb-media-image", alt: "" }));
    const { width, height } = content.meta as { width?: number; height?: number };
    img.alt = `${content.key} at step ${content.step}`;
    if (width && height) img.style.aspectRatio = `${width} / ${height}`;
    // A small image (a digit, a patch) is drawn larger, its pixels kept sharp.
    const small = !!width && width < SMALL_IMAGE;
    img.classList.toggle("mb-media-image-small", small);
    img.style.width = small ? `${Math.floor(SMALL_IMAGE / width!) * width!}px` : "";
    img.src = this.url;
    if (old) URL.revokeObjectURL(old);
  }

  resize(): void {
    if (this.plot) void resizeFigure(this.plot);
  }

  private clear(): void {
    if (this.plot) purgeFigure(this.plot);
    this.plot = null;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.node.replaceChildren();
  }

  dispose(): void {
    this.clear();
  }
}
