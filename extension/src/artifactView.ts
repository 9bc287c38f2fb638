// One artifact of a run, opened in the main area: images shown, JSON pretty-printed, text as text,
// anything else described with the start of its bytes; every kind can be downloaded as a file.
import { Widget } from "@lumino/widgets";
import { h } from "./dom";

export interface ArtifactContent {
  runName: string;
  name: string;
  mime: string;
  kind: string;
  bytes: Uint8Array;
}

/** Saves bytes as a file through the browser (a temporary object URL and a download link). */
export function downloadBytes(name: string, mime: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }));
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const isText = (mime: string) => mime.startsWith("text/") || mime === "application/json" || mime === "application/x-ipynb+json";

function hexDump(bytes: Uint8Array, limit = 256): string {
  const lines: string[] = [];
  for (let i = 0; i < Math.min(bytes.length, limit); i += 16) {
    const row = [...bytes.subarray(i, Math.min(i + 16, bytes.length))];
    lines.push(`${i.toString(16).padStart(8, "0")}  ${row.map((b) => b.toString(16).padStart(2, "0")).join(" ").padEnd(48)}  ${row.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("")}`);
  }
  return lines.join("\n");
}

export class ArtifactView extends Widget {
  private url: string | null = null;

  constructor(readonly content: ArtifactContent) {
    super();
    this.addClass("mb-artifact");
    this.node.tabIndex = -1;
    this.title.label = `${content.name} (${content.runName})`;
    this.title.closable = true;
    const { name, mime, kind, bytes } = content;
    const download = h("button", { class: "jp-mod-styled jp-mod-accept mb-download", type: "button", onclick: () => downloadBytes(name, mime, bytes) }, "Download");
    this.node.append(
      h("header", { class: "mb-detail-header" }, h("h2", {}, name), h("span", { class: "mb-badge" }, kind), h("span", { class: "mb-hint" }, `${mime} · ${bytes.length} bytes · run ${content.runName}`), download),
      this.body(),
    );
  }

  private body(): HTMLElement {
    const { mime, bytes } = this.content;
    if (mime.startsWith("image/")) {
      this.url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }));
      return h("div", { class: "mb-artifact-image" }, h("img", { src: this.url, alt: this.content.name }));
    }
    if (isText(mime)) {
      let text = new TextDecoder().decode(bytes);
      if (mime.includes("json")) {
        try {
          text = JSON.stringify(JSON.parse(text), null, 2);
        } catch {
          // Shown as it is: a file named .json need not hold JSON.
        }
      }
      const limit = 2_000_000;
      return h("pre", { class: "mb-code mb-artifact-text" }, text.length > limit ? `${text.slice(0, limit)}\n… (${text.length - limit} more characters: download the file to see all)` : text);
    }
    return h("div", { class: "mb-artifact-binary" },
      h("p", {}, `Binary content (${bytes.length} bytes): download it to open it with another program. The first bytes:`),
      h("pre", { class: "mb-code" }, hexDump(bytes)));
  }

  dispose(): void {
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    super.dispose();
  }
}
