// stdout and stderr of the runtime, merged for a moment so a loop printing lines does not send
// one IOPub message per line; flushed before any other output so the order is kept.

export class StreamBuffer {
  private pending: { req: string | null; name: string; text: string } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly emit: (req: string | null, name: string, text: string) => void, private readonly delayMs = 10) {}

  add(req: string | null, name: string, text: string): void {
    const p = this.pending;
    if (p && p.req === req && p.name === name) {
      p.text += text;
    } else {
      this.flush();
      this.pending = { req, name, text };
    }
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.emit(p.req, p.name, p.text);
  }
}
