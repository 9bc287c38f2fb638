// What a captured cell printed and displayed (%%capture): its streams as text and its displays as
// MIME bundles, in order, to read or to show again later.
import { display, mime, type MimeBundle } from "./index";

export type CapturedItem =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; data: MimeBundle; metadata: Record<string, unknown> }
  | { kind: "result"; data: MimeBundle; metadata: Record<string, unknown> };

export class CapturedOutput {
  constructor(readonly items: readonly CapturedItem[]) {}

  /** Everything written to stdout. */
  get stdout(): string {
    return this.streamText("stdout");
  }

  /** Everything written to stderr. */
  get stderr(): string {
    return this.streamText("stderr");
  }

  /** The rich outputs (display() calls and the cell's result), as MIME bundles. */
  get outputs(): MimeBundle[] {
    return this.items.filter((i) => i.kind !== "stream").map((i) => (i as { data: MimeBundle }).data);
  }

  /** Shows everything again, in the order it came. */
  show(): void {
    for (const item of this.items) {
      if (item.kind === "stream") (item.name === "stdout" ? process.stdout : process.stderr).write(item.text);
      else display(mime(item.data));
    }
  }

  toString(): string {
    return `CapturedOutput(stdout: ${this.stdout.length} chars, stderr: ${this.stderr.length} chars, outputs: ${this.outputs.length})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private streamText(name: "stdout" | "stderr"): string {
    return this.items.map((i) => (i.kind === "stream" && i.name === name ? i.text : "")).join("");
  }
}
