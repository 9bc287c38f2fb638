// Owns the runtime child: starts it, sends it one execute at a time, interrupts it, and replaces it
// when it dies or will not stop, so the protocol process itself never blocks on user code.
import { fork, spawn, type ChildProcess } from "child_process";
import { EventEmitter } from "events";
import * as path from "path";
import type { FromChild, ToChild } from "./ipc";
import { withoutStartupNotices } from "./nativeNotices";

export type Done = Extract<FromChild, { type: "done" }>;
type ExecuteRequest = Extract<ToChild, { type: "execute" }>;

/** How long an interrupted cell may take to stop before its runtime is replaced. */
export const INTERRUPT_GRACE_MS = 3000;

export class Runtime extends EventEmitter {
  private child: ChildProcess | null = null;
  private ready!: Promise<void>;
  /** True once the current child said it is ready: executes are then sent without a detour. */
  private isReady = false;
  /** The execute in progress; `sent` is false while it waits for the runtime to be ready. */
  private current: { req: string; sent: boolean; resolve(d: Done): void } | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private stopping = false;
  private acks = new Map<string, () => void>();
  /** Bumped on every (re)start so late events of a dead child are ignored. */
  private generation = 0;

  /** `env`: the runtime's whole environment (the kernel adds where it keeps the input history; a rerun drops the asking notebook's name). */
  constructor(private readonly cwd: string, private readonly env: NodeJS.ProcessEnv = process.env) {
    super();
  }

  /** Whether start() was called (the kernel's entry point starts the runtime before loading the rest). */
  get started(): boolean {
    return this.generation > 0;
  }

  start(): void {
    const gen = ++this.generation;
    const child = fork(path.join(__dirname, "child", "main.js"), [], {
      cwd: this.cwd,
      // Its own process group: a SIGINT sent to the kernel's group (Jupyter's signal_kernel, Ctrl-C
      // in a terminal) reaches the protocol process only, which forwards exactly one to the runtime.
      // A second, direct copy would land after the first had stopped the cell, interrupting the next
      // cell or killing the runtime in the instant node has no SIGINT handler. As the group's
      // SIGKILL no longer reaches it either, an orphan guard ends it when this process goes.
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced",
      env: this.env,
      // V8 lets the heap grow to about four times what survived the last full collection; each cell
      // leaves a type-checker's worth of garbage, so a long session's runtime grew by ~80 KB a cell
      // (kept ~5). One and a half times: flat resident size, about the same time a cell.
      execArgv: ["--heap-growing-percent=50"],
    });
    this.child = child;
    const guard = orphanGuard(child.pid);
    let markReady!: () => void;
    this.isReady = false;
    this.ready = new Promise<void>((r) => (markReady = r)).then(() => {
      if (gen === this.generation) this.isReady = true;
    });
    // Output written straight to the file descriptors (native code, child_process inherit).
    for (const name of ["stdout", "stderr"] as const) {
      child[name]!.on("data", (d: Buffer) => {
        const text = name === "stderr" ? withoutStartupNotices(d.toString()) : d.toString();
        if (text) this.emit("message", { type: "stream", req: null, name, text });
      });
    }
    child.on("message", (m: FromChild) => {
      if (gen !== this.generation) return;
      if (m.type === "ready") markReady();
      else if (m.type === "done") this.finish(m);
      else if (m.type === "handled") this.acknowledge(m.req);
      else this.emit("message", m);
    });
    child.on("exit", (code, signal) => {
      guard?.kill();
      if (gen !== this.generation) return;
      this.child = null;
      this.isReady = false;
      if (this.stopping) return;
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.emit("died", why, child.pid);
      this.failCurrent("DeadKernelError", `the runtime ${why} while running this cell; it was restarted, so variables are lost: re-run the cells you need`);
      this.start();
    });
  }

  get busy(): boolean {
    return this.current !== null;
  }

  /** Starts a cell: sent to the runtime at once when it is ready (so it runs while the protocol
   * process announces it), else as soon as it is. */
  execute(req: ExecuteRequest): Promise<Done> {
    return new Promise<Done>((resolve) => {
      const current = { req: req.req, sent: false, resolve };
      this.current = current;
      if (this.isReady && this.child) {
        current.sent = true;
        this.child.send(req);
        return;
      }
      void this.ready.then(() => {
        // An interrupt (or a restart) may have ended the cell before the runtime was ready.
        if (this.current !== current || !this.child) return;
        current.sent = true;
        this.child.send(req);
      });
    });
  }

  send(msg: ToChild): void {
    this.ready.then(() => this.child?.send(msg));
  }

  /** Sends a comm message and resolves once the runtime has handled it (or has died). */
  deliver(msg: Extract<ToChild, { req: string }>): Promise<void> {
    const handled = new Promise<void>((resolve) => this.acks.set(msg.req, resolve));
    this.send(msg);
    return handled;
  }

  private acknowledge(req: string): void {
    this.acks.get(req)?.();
    this.acks.delete(req);
  }

  /** SIGINT the child; if the cell has not stopped after the grace period, replace the child. */
  interrupt(): void {
    if (this.current && !this.current.sent) {
      this.failCurrent("KeyboardInterrupt", "interrupted before it started");
      return;
    }
    if (!this.current || !this.child) return;
    const req = this.current.req;
    this.child.kill("SIGINT");
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (this.current?.req !== req) return;
      this.emit("died", "did not stop after an interrupt", this.child?.pid);
      this.replace(
        "KeyboardInterrupt",
        `the cell did not stop within ${INTERRUPT_GRACE_MS / 1000} s of the interrupt, so its runtime was restarted: variables are lost, re-run the cells you need`,
      );
    }, INTERRUPT_GRACE_MS);
  }

  /** Kill and start afresh (variables are lost); a running cell ends with the given error. */
  replace(ename = "KernelRestarted", evalue = "the runtime was restarted while this cell ran"): void {
    const old = this.child;
    this.generation++;
    this.child = null;
    this.isReady = false;
    old?.kill("SIGKILL");
    this.failCurrent(ename, evalue);
    this.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.watchdog) clearTimeout(this.watchdog);
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
    await exited;
    clearTimeout(timer);
  }

  private finish(done: Done): void {
    if (!this.current || this.current.req !== done.req) return;
    const { resolve } = this.current;
    this.current = null;
    if (this.watchdog) clearTimeout(this.watchdog);
    resolve(done);
  }

  private failCurrent(ename: string, evalue: string): void {
    for (const req of [...this.acks.keys()]) this.acknowledge(req);
    if (!this.current) return;
    this.finish({
      type: "done",
      req: this.current.req,
      status: "error",
      error: { ename, evalue, traceback: [`${ename}: ${evalue}`] },
      payload: [],
      userExpressions: {},
    });
  }
}

/** A shell that waits for its stdin, a pipe only this process holds, to close (this process has
 * gone, however it died) and then SIGKILLs the runtime. A runtime spinning in user code cannot
 * notice the lost parent itself: its event loop never runs. Killed when the runtime exits first. */
function orphanGuard(pid: number | undefined): ChildProcess | null {
  if (pid === undefined || process.platform === "win32") return null;
  try {
    const guard = spawn("/bin/sh", ["-c", 'read _; kill -9 "$1" 2>/dev/null', "modelbench-orphan-guard", String(pid)], {
      stdio: ["pipe", "ignore", "ignore"],
      detached: true, // out of the kernel's process group, so it outlives a SIGKILL to the group
    });
    guard.on("error", () => undefined); // no shell: the runtime is only unguarded
    guard.unref();
    (guard.stdin as unknown as { unref?: () => void })?.unref?.();
    return guard;
  } catch {
    return null;
  }
}
