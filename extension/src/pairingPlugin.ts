// Paired notebooks in JupyterLab: the Sync command, the save hook and the diff view, opened from the
// palette, the notebook toolbar, the file browser's and the Runs panel's context menus.
//
// Sync goes through the modelbench kernel (kernel/pairing.ts) rather than the bundled format code:
// the kernel runs the very syncPair() of `modelbench sync`, with its sync record
// (.modelbench/sync.json) that tells "both sides changed" from "one side is newer", atomic writes
// and the re-check that no file moved while deciding; the browser has none of these. Diffs are
// computed here from files read through the Contents API as {type: "file", format: "text"} (so
// jupytext's contents manager cannot hand back a notebook for a script); git HEAD comes from the
// kernel, which runs git.
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { Dialog, ICommandPalette, MainAreaWidget, Notification, ToolbarButton, showDialog } from "@jupyterlab/apputils";
import { PageConfig } from "@jupyterlab/coreutils";
import type { DocumentRegistry } from "@jupyterlab/docregistry";
import { IFileBrowserFactory } from "@jupyterlab/filebrowser";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { Widget } from "@lumino/widgets";
import { diffBlock, h } from "./dom";
import { DiffView, type MarkdownRenderer } from "./diffView";
import { runsIcon } from "./icon";
import { ChannelLostError, type RunsModel } from "./model";
import {
  DiffModel,
  contentsError,
  describeSync,
  jupytextFromProbe,
  notebookFromIpynb,
  notebookFromRunSource,
  notebookFromScript,
  notebookKind,
  type DiffDocument,
  type GitHeadReply,
  type JupytextPresence,
  type PairInfo,
  type SyncReply,
} from "./pairing";
import { IRunsModel } from "./tokens";
import { emptyNotebook } from "../../src/notebook/ipynb";
import type { RunDetail } from "./wire";

export const PAIRING_COMMANDS = {
  sync: "modelbench:sync-paired",
  diff: "modelbench:diff-paired",
  diffHead: "modelbench:diff-head",
  diffRuns: "modelbench:diff-runs",
};

/** How long a request waits for the modelbench kernel to be connected (a background one may be starting). */
const CONNECT_TIMEOUT_MS = 60_000;

class NoKernelError extends Error {}

function whenConnected(model: RunsModel): Promise<void> {
  if (model.connected) return Promise.resolve();
  if (/not installed/.test(model.connection.label)) return Promise.reject(new NoKernelError(model.connection.label));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      model.connectionChanged.disconnect(check);
      reject(new NoKernelError(`no modelbench kernel (${model.connection.label || "none running"}): open a notebook on the modelbench kernel, or install it with npm run setup`));
    }, CONNECT_TIMEOUT_MS);
    const check = () => {
      if (!model.connected) return;
      clearTimeout(timer);
      model.connectionChanged.disconnect(check);
      resolve();
    };
    model.connectionChanged.connect(check);
  });
}

// every file: one that is not a notebook gets a clear "unknown notebook format" rather than no menu
const FILE_ITEM = '.jp-DirListing-item[data-isdir="false"]';

export const pairingPlugin: JupyterFrontEndPlugin<void> = {
  id: "modelbench-labextension:pairing",
  description: "Paired notebooks: Sync, keeping the script in step on save, and the notebook diff view.",
  autoStart: true,
  requires: [INotebookTracker, IRunsModel],
  optional: [IFileBrowserFactory, ICommandPalette, IRenderMimeRegistry],
  activate(app: JupyterFrontEnd, notebooks: INotebookTracker, runs: RunsModel, browsers: IFileBrowserFactory | null, palette: ICommandPalette | null, rendermime: IRenderMimeRegistry | null): void {
    const contents = app.serviceManager.contents;
    const root = PageConfig.getOption("serverRoot");
    // The Runs panel moves from a background kernel to a notebook's as soon as one starts, which
    // drops requests in flight: ask the new kernel again (each request is safe to repeat).
    const ask = async <T>(op: string, payload: Record<string, unknown>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        await whenConnected(runs);
        try {
          return (await runs.ask(op, { root, ...payload })) as T;
        } catch (e) {
          if (!(e instanceof ChannelLostError) || attempt >= 3) throw e;
        }
      }
    };
    const readText = async (path: string): Promise<string> => {
      try {
        const m = await contents.get(path, { type: "file", format: "text", content: true });
        return String(m.content);
      } catch (e) {
        throw contentsError(e, path);
      }
    };
    const openPanel = (path: string): NotebookPanel | undefined => notebooks.find((p) => p.context.path === path);

    // ---- which file a command is about ---------------------------------------------------------
    const selectedInBrowser = (): string | undefined => {
      const browser = browsers?.tracker.currentWidget;
      if (!browser) return undefined;
      const items = Array.from(browser.selectedItems());
      return items.length ? items[0].path : undefined;
    };
    const targetPath = (args: Record<string, unknown>): string => {
      const path = typeof args.path === "string" && args.path ? args.path : args.from === "browser" ? selectedInBrowser() : notebooks.currentWidget?.context.path ?? selectedInBrowser();
      if (!path) throw new Error("no notebook: open a notebook, or select one in the file browser");
      return path;
    };

    // ---- the diff view -------------------------------------------------------------------------
    const renderMarkdown: MarkdownRenderer = (source) => {
      const registry = rendermime ?? notebooks.currentWidget?.content.rendermime;
      if (!registry) return null;
      const renderer = registry.createRenderer("text/markdown");
      return renderer.renderModel(registry.createModel({ data: { "text/markdown": source }, trusted: false })).then(() => renderer.node);
    };
    const views = new Map<string, MainAreaWidget<DiffView>>();
    const openDiff = (key: string, load: () => Promise<DiffDocument>) => {
      let widget = views.get(key);
      if (widget && !widget.isDisposed) {
        void widget.content.model.refresh();
      } else {
        const model = new DiffModel(load);
        const view = new DiffView(model, renderMarkdown, () => void model.refresh());
        widget = new MainAreaWidget({ content: view });
        widget.id = `modelbench-diff-${views.size}-${Date.now().toString(36)}`;
        widget.addClass("mb-diff-widget");
        widget.title.icon = runsIcon;
        widget.title.closable = true;
        widget.title.label = view.title.label;
        view.title.changed.connect(() => (widget!.title.label = view.title.label));
        views.set(key, widget);
        app.shell.add(widget, "main", { mode: "split-right" });
        void model.refresh();
      }
      app.shell.activateById(widget.id);
    };

    const driftDocument = async (path: string): Promise<DiffDocument> => {
      notebookKind(path);
      const pair = await ask<PairInfo>("pair", { path });
      const panel = openPanel(pair.ipynb);
      let a;
      let labelA: string;
      if (panel?.model) {
        a = notebookFromIpynb(panel.model.toJSON() as object, pair.ipynb);
        labelA = `${pair.ipynb} (editor${panel.model.dirty ? ", unsaved" : ""})`;
      } else {
        a = notebookFromIpynb(await readText(pair.ipynb), pair.ipynb);
        labelA = `${pair.ipynb} (disk)`;
      }
      const b = notebookFromScript(await readText(pair.text), pair.text, pair.extension, pair.format);
      const name = pair.ipynb.slice(pair.ipynb.lastIndexOf("/") + 1);
      // the script on disk is the old side: the editor's edits show as what a sync would write
      return { kind: "drift", title: `Diff: ${pair.text.slice(pair.text.lastIndexOf("/") + 1)} ⇄ ${name}`, labels: [`${pair.text} (disk)`, labelA], a: b, b: a };
    };
    const headDocument = async (path: string): Promise<DiffDocument> => {
      notebookKind(path);
      const r = await ask<GitHeadReply>("git-head", { path });
      const a = r.head === null ? emptyNotebook() : notebookFromScript(r.head, `${r.path} at HEAD`);
      const b = r.working === null ? emptyNotebook() : notebookFromScript(r.working, r.path);
      const commit = r.commit ? r.commit.slice(0, 8) : "no commit";
      const note = r.head === null ? `${r.path} is not in HEAD (${commit}) yet: every cell shows as added.` : r.working === null ? `${r.path} was deleted from the working tree.` : undefined;
      return { kind: "head", title: `Diff: ${r.path.slice(r.path.lastIndexOf("/") + 1)} vs HEAD`, labels: [`${r.path} @ HEAD ${commit}`, `${r.path} (working tree)`], a, b, note };
    };
    const runsDocument = async (ids: string[]): Promise<DiffDocument> => {
      const [ra, rb] = await Promise.all(ids.map(async (runId) => ((await ask<{ run: RunDetail }>("detail", { runId })).run)));
      const label = (r: RunDetail) => `${r.name} (${r.id.slice(0, 8)})`;
      const note = !ra.source && !rb.source ? "Neither run has a code snapshot." : undefined;
      return { kind: "runs", title: `Diff code: ${ra.name} → ${rb.name}`, labels: [label(ra), label(rb)], a: notebookFromRunSource(ra.source), b: notebookFromRunSource(rb.source), note };
    };

    // ---- sync ----------------------------------------------------------------------------------
    const afterSync = async (reply: Extract<SyncReply, { ok: true }>) => {
      // a notebook whose file got new inputs from its script: show them, unless there are unsaved edits
      const panel = openPanel(reply.ipynb);
      if (panel && reply.written.includes(reply.ipynb) && !panel.model?.dirty) await panel.context.revert();
    };
    const sync = async (path: string, prefer?: "ipynb" | "text"): Promise<void> => {
      notebookKind(path);
      const panel = openPanel(path.endsWith(".ipynb") ? path : path.replace(/\.[^./]+$/, ".ipynb"));
      if (panel?.model?.dirty) await panel.context.save();
      const reply = await ask<SyncReply>("sync", { path, ...(prefer ? { prefer } : {}) });
      if (reply.ok) {
        await afterSync(reply);
        for (const w of reply.warnings) Notification.warning(w, { autoClose: false });
        Notification.success(`Synced ${describeSync(reply)}`, { autoClose: 5000 });
        return;
      }
      const body = new Widget({ node: h("div", { class: "mb-sync-conflict" }, h("p", { class: "mb-sync-message" }, reply.message.split("\n")[0]), h("p", {}, "Nothing was written. Keep one side's inputs, or merge by hand and sync again."), diffBlock(reply.diff)) });
      const choice = await showDialog({
        title: "Both sides changed since the last sync",
        body,
        buttons: [Dialog.cancelButton({ label: "Cancel" }), Dialog.warnButton({ label: "Keep the script's inputs", caption: "Overwrite the notebook's inputs", actions: ["text"] }), Dialog.warnButton({ label: "Keep the notebook's inputs", caption: "Overwrite the script", actions: ["ipynb"] })],
        defaultButton: 0,
      });
      const side = choice.button.actions.find((a) => a === "text" || a === "ipynb") as "ipynb" | "text" | undefined;
      if (choice.button.accept && side) await sync(path, side);
    };
    const report = (e: unknown) => Notification.error(e instanceof Error ? e.message : String(e), { autoClose: false });

    // ---- the save hook ---------------------------------------------------------------------------
    // With jupytext's contents manager on the server, saving a paired notebook writes its script
    // already: we write nothing then (no double writes, no fights). Without it, we sync after each
    // save. The server's answer for the script as type=notebook tells the two apart.
    let jupytext: JupytextPresence = "unknown";
    const probeJupytext = async (text: string): Promise<JupytextPresence> => {
      if (jupytext !== "unknown") return jupytext;
      try {
        const m = await contents.get(text, { type: "notebook", content: true });
        jupytext = jupytextFromProbe(200, m.type);
      } catch (e) {
        const status = (e as { response?: { status?: number } }).response?.status;
        jupytext = jupytextFromProbe(status ?? 0);
      }
      return jupytext;
    };
    const onSaved = async (path: string) => {
      let pair: PairInfo;
      try {
        pair = await ask<PairInfo>("pair", { path });
      } catch (e) {
        if (/is not paired/.test(String((e as Error).message))) return; // an unpaired notebook: nothing to keep in step
        throw e;
      }
      // Only an existing script can tell whether jupytext is on the server (a missing one would be a 404).
      if (pair.textExists && (await probeJupytext(pair.text)) === "present") return;
      const reply = await ask<SyncReply>("sync", { path });
      if (reply.ok) {
        await afterSync(reply);
        for (const w of reply.warnings) Notification.warning(w, { autoClose: false });
        return;
      }
      Notification.warning(`${pair.ipynb} was saved, but ${pair.text} changed too since the last sync, so it was not updated.`, {
        autoClose: false,
        actions: [
          { label: "Show diff", callback: () => void app.commands.execute(PAIRING_COMMANDS.diff, { path: pair.ipynb }) },
          { label: "Sync…", callback: () => void app.commands.execute(PAIRING_COMMANDS.sync, { path: pair.ipynb }) },
        ],
      });
    };

    // Without a modelbench kernel the hook cannot sync: say so once, not at every save.
    let toldNoKernel = false;
    const onSaveError = (e: unknown) => {
      if (!(e instanceof NoKernelError)) return report(e);
      if (!toldNoKernel) Notification.warning(`Paired scripts are not kept in step on save: ${e.message}`, { autoClose: false });
      toldNoKernel = true;
    };

    app.docRegistry.addWidgetExtension("Notebook", {
      createNew(panel: NotebookPanel, context: DocumentRegistry.IContext<any>) {
        context.saveState.connect((_, state) => {
          if (state === "completed") void onSaved(context.path).catch(onSaveError);
        });
        const button = (name: string, label: string, tooltip: string, command: string) =>
          new ToolbarButton({ label, tooltip, className: `mb-toolbar-${name}`, onClick: () => void app.commands.execute(command, { path: context.path }) });
        panel.toolbar.insertAfter("cellType", "modelbench-sync", button("sync", "Sync", "Sync with the paired script (modelbench)", PAIRING_COMMANDS.sync));
        panel.toolbar.insertAfter("modelbench-sync", "modelbench-diff", button("diff", "Diff", "Diff with the paired script on disk (modelbench)", PAIRING_COMMANDS.diff));
        panel.toolbar.insertAfter("modelbench-diff", "modelbench-diff-head", button("diff-head", "vs HEAD", "Diff the paired script with git HEAD (modelbench)", PAIRING_COMMANDS.diffHead));
      },
    });

    // ---- commands and menus ----------------------------------------------------------------------
    app.commands.addCommand(PAIRING_COMMANDS.sync, {
      label: "Sync Paired Notebook",
      caption: "Update the stale side of a notebook and its percent script (jupytext's rule)",
      execute: (args) => sync(targetPath(args)).catch(report),
    });
    app.commands.addCommand(PAIRING_COMMANDS.diff, {
      label: "Diff Notebook ⇄ Paired Script",
      execute: (args) => {
        try {
          const path = targetPath(args);
          openDiff(`drift:${path}`, () => driftDocument(path));
        } catch (e) {
          report(e);
        }
      },
    });
    app.commands.addCommand(PAIRING_COMMANDS.diffHead, {
      label: "Diff Paired Script vs Git HEAD",
      execute: (args) => {
        try {
          const path = targetPath(args);
          openDiff(`head:${path}`, () => headDocument(path));
        } catch (e) {
          report(e);
        }
      },
    });
    app.commands.addCommand(PAIRING_COMMANDS.diffRuns, {
      label: "Diff Code of Selected Runs",
      isEnabled: () => runs.selection.size === 2,
      execute: (args) => {
        const ids = Array.isArray(args.runIds) ? (args.runIds as string[]) : runs.runs.filter((r) => runs.selection.has(r.id)).map((r) => r.id);
        if (ids.length !== 2) return report(new Error(`select exactly two runs in the Runs panel to diff their code (${ids.length} selected)`));
        openDiff(`runs:${ids.join(":")}`, () => runsDocument(ids));
      },
    });
    for (const command of [PAIRING_COMMANDS.sync, PAIRING_COMMANDS.diff, PAIRING_COMMANDS.diffHead, PAIRING_COMMANDS.diffRuns]) palette?.addItem({ command, category: "modelbench" });
    [PAIRING_COMMANDS.sync, PAIRING_COMMANDS.diff, PAIRING_COMMANDS.diffHead].forEach((command, i) =>
      app.contextMenu.addItem({ command, args: { from: "browser" }, selector: FILE_ITEM, rank: 60 + i }),
    );
    app.contextMenu.addItem({ command: PAIRING_COMMANDS.diffRuns, selector: ".mb-runs-panel", rank: 10 });
  },
};
