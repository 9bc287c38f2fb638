// Which kernel the panel talks to: the active notebook's when it runs modelbench, else another
// open modelbench notebook's, else a background modelbench kernel (a session with no notebook).
// It opens the "modelbench" comm on that kernel and hands the model a channel over it.
import { SessionContext } from "@jupyterlab/apputils";
import type { INotebookTracker, NotebookPanel } from "@jupyterlab/notebook";
import type { Kernel, ServiceManager } from "@jupyterlab/services";
import type { RunsModel } from "./model";
import { COMM_TARGET, type Incoming } from "./wire";

export const KERNEL_NAME = "modelbench";
/** The background session's path: one per server, reused across page reloads. */
const BACKGROUND_PATH = "modelbench-runs-sidebar";

export class KernelFollower {
  private kernel: Kernel.IKernelConnection | null = null;
  private comm: Kernel.IComm | null = null;
  private label = "";
  private background: SessionContext | null = null;
  private startingBackground = false;
  private disposed = false;

  constructor(
    private readonly model: RunsModel,
    private readonly notebooks: INotebookTracker,
    private readonly services: ServiceManager.IManager,
  ) {}

  /** Starts following; call once the app has restored its layout (so open notebooks are known). */
  start(): void {
    this.notebooks.currentChanged.connect(() => this.update());
    this.notebooks.widgetAdded.connect((_, panel) => this.watchNotebook(panel));
    this.notebooks.forEach((panel) => this.watchNotebook(panel));
    this.update();
  }

  private watchNotebook(panel: NotebookPanel): void {
    const ctx = panel.sessionContext;
    ctx.kernelChanged.connect(() => this.update());
    ctx.statusChanged.connect(() => this.update());
    void ctx.ready.then(() => this.update());
    panel.disposed.connect(() => setTimeout(() => this.update(), 0));
  }

  private modelbenchKernelOf(panel: NotebookPanel | null): Kernel.IKernelConnection | null {
    const kernel = panel && !panel.isDisposed ? panel.sessionContext.session?.kernel ?? null : null;
    return kernel && kernel.name === KERNEL_NAME && !kernel.isDisposed ? kernel : null;
  }

  /** Picks the kernel to follow now. */
  update(): void {
    if (this.disposed) return;
    const current = this.notebooks.currentWidget;
    let chosen: { kernel: Kernel.IKernelConnection; label: string } | null = null;
    const cur = this.modelbenchKernelOf(current);
    if (cur) chosen = { kernel: cur, label: current!.context.path };
    else {
      this.notebooks.forEach((panel) => {
        const k = this.modelbenchKernelOf(panel);
        if (k && !chosen) chosen = { kernel: k, label: panel.context.path };
      });
    }
    // Staying on the kernel we have avoids churn when the user moves between notebooks on it.
    if (!chosen && this.kernel && this.kernel === this.background?.session?.kernel) return;
    if (chosen) {
      if (this.background) this.stopBackground();
      const { kernel, label } = chosen;
      if (kernel !== this.kernel) this.follow(kernel, `notebook ${label}`);
      return;
    }
    // Notebooks still starting their kernels may turn out to be modelbench ones: wait for them.
    let starting = false;
    this.notebooks.forEach((panel) => {
      if (!panel.sessionContext.isReady && !panel.sessionContext.isDisposed) starting = true;
    });
    if (!starting) void this.startBackground();
  }

  private follow(kernel: Kernel.IKernelConnection, label: string): void {
    this.closeComm();
    if (this.kernel) this.kernel.statusChanged.disconnect(this.onStatus, this);
    this.kernel = kernel;
    this.label = label;
    kernel.statusChanged.connect(this.onStatus, this);
    this.openComm();
  }

  private openComm(): void {
    const kernel = this.kernel;
    if (!kernel || kernel.isDisposed) return;
    const comm = kernel.createComm(COMM_TARGET);
    comm.onMsg = (msg) => {
      if (this.comm === comm) this.model.receive(msg.content.data as unknown as Incoming);
    };
    comm.onClose = () => {
      if (this.comm !== comm) return;
      this.comm = null;
      this.model.detach("connecting", this.label);
    };
    this.comm = comm;
    comm.open({});
    this.model.attach({ send: (data) => !comm.isDisposed && comm.send(data as any) }, this.label);
  }

  private closeComm(): void {
    const comm = this.comm;
    this.comm = null;
    if (comm && !comm.isDisposed) {
      try {
        comm.close();
      } catch {
        // The kernel is gone already.
      }
    }
  }

  /** A restart drops the kernel's comms: open ours again once it is back. */
  private onStatus(kernel: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (kernel !== this.kernel) return;
    if (status === "restarting" || status === "autorestarting") {
      this.comm = null;
      this.model.detach("connecting", this.label);
    } else if (status === "dead") {
      this.comm = null;
      this.kernel = null;
      this.model.detach("disconnected", `${this.label}: kernel died`);
      this.update();
    } else if (status === "idle" && !this.comm) this.openComm();
  }

  private async startBackground(): Promise<void> {
    if (this.background || this.startingBackground) return;
    this.startingBackground = true;
    try {
      await this.services.kernelspecs.ready;
      if (!this.services.kernelspecs.specs?.kernelspecs[KERNEL_NAME]) {
        this.model.detach("disconnected", "the modelbench kernel is not installed (npm run setup installs it)");
        return;
      }
      this.model.detach("connecting", "a background modelbench kernel");
      const ctx = new SessionContext({
        sessionManager: this.services.sessions,
        specsManager: this.services.kernelspecs,
        path: BACKGROUND_PATH,
        name: "Runs sidebar",
        type: "modelbench-sidebar",
        kernelPreference: { name: KERNEL_NAME, shouldStart: true, canStart: true, autoStartDefault: false },
      });
      this.background = ctx;
      await ctx.initialize();
      await ctx.ready;
      const kernel = ctx.session?.kernel;
      if (this.background !== ctx || this.disposed) return;
      if (!kernel) throw new Error("no kernel started");
      this.follow(kernel, "a background modelbench kernel");
      this.update();
    } catch (e) {
      this.background = null;
      this.model.detach("disconnected", `could not start a modelbench kernel: ${e instanceof Error ? e.message : e}`);
    } finally {
      this.startingBackground = false;
    }
  }

  /** A notebook's modelbench kernel took over: the background one is not needed any more. */
  private stopBackground(): void {
    const ctx = this.background;
    this.background = null;
    if (!ctx) return;
    if (this.kernel && this.kernel === ctx.session?.kernel) {
      this.closeComm();
      this.kernel.statusChanged.disconnect(this.onStatus, this);
      this.kernel = null;
    }
    void ctx.shutdown().finally(() => ctx.dispose());
  }

  dispose(): void {
    this.disposed = true;
    this.closeComm();
    if (this.background) this.stopBackground();
  }
}
