// The plugin: puts the Runs panel in the right sidebar, opens run detail, comparison and the runs
// table as tabs in the main area, and connects the model to a modelbench kernel. Wiring only:
// state lives in model.ts, rendering in the *View.ts files, the kernel choice in connection.ts.
import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from "@jupyterlab/application";
import { Dialog, ICommandPalette, MainAreaWidget, showDialog, showErrorMessage } from "@jupyterlab/apputils";
import { INotebookTracker } from "@jupyterlab/notebook";
import type { Widget } from "@lumino/widgets";
import { ArtifactView, downloadBytes } from "./artifactView";
import { CompareView } from "./compareView";
import { KernelFollower } from "./connection";
import { RunDetailView } from "./detailView";
import { runsIcon } from "./icon";
import { RunsModel } from "./model";
import { OPEN_RUN_EVENT } from "./mime";
import { loadPlotly } from "./plotly";
import { RegistryView } from "./registryView";
import { pairingPlugin } from "./pairingPlugin";
import { RunsTableView } from "./runsTable";
import { RunsPanel } from "./runsView";
import { SweepsModel } from "./sweeps";
import { SweepView } from "./sweepView";
import { IRunsModel } from "./tokens";

const COMMANDS = {
  show: "modelbench:show-runs",
  open: "modelbench:open-run",
  compare: "modelbench:compare-runs",
  refresh: "modelbench:refresh-runs",
  models: "modelbench:show-models",
  table: "modelbench:show-runs-table",
  sweeps: "modelbench:show-sweeps",
  openArtifact: "modelbench:open-artifact",
  downloadArtifact: "modelbench:download-artifact",
};

const sidebar: JupyterFrontEndPlugin<RunsModel> = {
  id: "modelbench-labextension:runs",
  description: "The modelbench Runs panel: live runs, run detail and comparison.",
  autoStart: true,
  provides: IRunsModel,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette],
  activate(app: JupyterFrontEnd, notebooks: INotebookTracker, restorer: ILayoutRestorer | null, palette: ICommandPalette | null): RunsModel {
    // The runs table's rows are fetched while the page is idle after each connect: opening it only draws.
    const model = new RunsModel({ whenIdle: (task) => requestIdleCallback(task, { timeout: 5_000 }) });
    let detail: MainAreaWidget<RunDetailView> | null = null;
    let compare: MainAreaWidget<CompareView> | null = null;
    // Views open as tabs, never as a split that halves the notebook: beside the modelbench view
    // opened last (wherever the user docked it), else beside the current tab.
    let lastPlaced: MainAreaWidget | null = null;
    const place = (widget: MainAreaWidget) => {
      const anchor = lastPlaced && !lastPlaced.isDisposed && lastPlaced.isAttached ? lastPlaced : app.shell.currentWidget;
      app.shell.add(widget, "main", anchor && anchor.isAttached ? { mode: "tab-after", ref: anchor.id } : undefined);
      lastPlaced = widget;
    };

    const panel = new RunsPanel(model, {
      openRun: (runId) => void app.commands.execute(COMMANDS.open, { runId }),
      compare: () => void app.commands.execute(COMMANDS.compare),
      showModels: () => void app.commands.execute(COMMANDS.models),
      showTable: () => void app.commands.execute(COMMANDS.table),
      showSweeps: () => void app.commands.execute(COMMANDS.sweeps),
    });
    panel.title.icon = runsIcon;
    app.shell.add(panel, "right", { rank: 650 });
    restorer?.add(panel, panel.id);

    app.commands.addCommand(COMMANDS.show, {
      label: "Show Runs (modelbench)",
      execute: () => app.shell.activateById(panel.id),
    });
    app.commands.addCommand(COMMANDS.open, {
      label: "Open Run Detail",
      execute: (args) => {
        const runId = String(args.runId ?? "");
        if (!runId) return;
        void model.openDetail(runId);
        if (!detail || detail.isDisposed) {
          detail = new MainAreaWidget({
            content: new RunDetailView(model, {
              openArtifact: (runId, name) => void app.commands.execute(COMMANDS.openArtifact, { runId, name }),
              downloadArtifact: (runId, name) => void app.commands.execute(COMMANDS.downloadArtifact, { runId, name }),
              confirm: async (title, body, accept) =>
                (await showDialog({ title, body, buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: accept })] })).button.accept,
            }),
          });
          detail.id = "modelbench-run-detail";
          detail.title.icon = runsIcon;
          detail.title.closable = true;
          detail.content.title.changed.connect(() => (detail!.title.label = detail!.content.title.label));
          detail.disposed.connect(() => model.closeDetail());
          place(detail);
        }
        app.shell.activateById(detail.id);
      },
    });
    app.commands.addCommand(COMMANDS.compare, {
      label: "Compare Selected Runs",
      isEnabled: () => model.selection.size >= 2,
      execute: async (args) => {
        await model.compare(Array.isArray(args.runIds) ? (args.runIds as string[]) : undefined);
        if (!model.comparison) return;
        if (!compare || compare.isDisposed) {
          compare = new MainAreaWidget({ content: new CompareView(model) });
          compare.id = "modelbench-compare";
          compare.title.icon = runsIcon;
          compare.title.closable = true;
          compare.content.title.changed.connect(() => (compare!.title.label = compare!.content.title.label));
          compare.title.label = compare.content.title.label;
          place(compare);
        }
        app.shell.activateById(compare.id);
      },
    });
    // A tab made once: shown again while open, made anew once closed.
    const singleTab = <T extends Widget>(id: string, label: string, make: () => T) => {
      let tab: MainAreaWidget<T> | null = null;
      return () => {
        if (!tab || tab.isDisposed) {
          tab = new MainAreaWidget({ content: make() });
          tab.id = id;
          tab.title.icon = runsIcon;
          tab.title.label = label;
          tab.title.closable = true;
          place(tab);
        }
        app.shell.activateById(tab.id);
      };
    };
    app.commands.addCommand(COMMANDS.models, {
      label: "Show Model Registry (modelbench)",
      execute: singleTab("modelbench-models", "Models", () => new RegistryView(model, { openRun: (runId) => void app.commands.execute(COMMANDS.open, { runId }) })),
    });
    // Artifacts come through the kernel (it reads the store); errors are shown where the runs are.
    const fetchArtifact = async (args: Record<string, unknown>) => {
      const runId = String(args.runId ?? "");
      const name = String(args.name ?? "");
      try {
        return await model.fetchArtifact(runId, name);
      } catch (e) {
        await showErrorMessage(`Cannot open artifact '${name}'`, e instanceof Error ? e.message : String(e));
        return null;
      }
    };
    app.commands.addCommand(COMMANDS.openArtifact, {
      label: "Open Artifact",
      execute: async (args) => {
        const a = await fetchArtifact(args);
        if (!a) return;
        const shown = model.detail?.run;
        const runName = shown && shown.id === args.runId ? shown.name : String(args.runId).slice(0, 8);
        const view = new MainAreaWidget({ content: new ArtifactView({ ...a, runName }) });
        view.title.label = view.content.title.label;
        view.title.icon = runsIcon;
        view.title.closable = true;
        place(view);
        app.shell.activateById(view.id);
      },
    });
    app.commands.addCommand(COMMANDS.downloadArtifact, {
      label: "Download Artifact",
      execute: async (args) => {
        const a = await fetchArtifact(args);
        if (a) downloadBytes(a.name, a.mime, a.bytes);
      },
    });
    app.commands.addCommand(COMMANDS.table, {
      label: "Show Runs Table (modelbench)",
      execute: singleTab("modelbench-runs-table-tab", "Runs table", () => new RunsTableView(model, {
        openRun: (runId) => void app.commands.execute(COMMANDS.open, { runId }),
        compare: (runIds) => void app.commands.execute(COMMANDS.compare, { runIds }),
      })),
    });
    let sweeps: SweepsModel | null = null;
    const showSweeps = singleTab("modelbench-sweeps", "Sweeps", () => new SweepView((sweeps = new SweepsModel(model)), {
      openRun: (runId) => void app.commands.execute(COMMANDS.open, { runId }),
    }));
    app.commands.addCommand(COMMANDS.sweeps, {
      label: "Show Sweeps (modelbench)",
      // With { name }: that study (a sweep's own output can link to it).
      execute: (args) => {
        showSweeps();
        if (typeof args.name === "string" && args.name) void sweeps?.select(args.name);
      },
    });
    // A tracked cell's `run NAME (id)` line (mime.ts) asks for its run this way.
    document.addEventListener(OPEN_RUN_EVENT, (e) => {
      const runId = (e as CustomEvent<{ runId?: string }>).detail?.runId;
      if (runId) void app.commands.execute(COMMANDS.open, { runId });
    });
    app.commands.addCommand(COMMANDS.refresh, {
      label: "Refresh Runs",
      execute: () => model.refresh(),
    });
    palette?.addItem({ command: COMMANDS.show, category: "modelbench" });
    palette?.addItem({ command: COMMANDS.refresh, category: "modelbench" });
    palette?.addItem({ command: COMMANDS.models, category: "modelbench" });
    palette?.addItem({ command: COMMANDS.table, category: "modelbench" });
    palette?.addItem({ command: COMMANDS.sweeps, category: "modelbench" });

    const follower = new KernelFollower(model, notebooks, app.serviceManager);
    void Promise.all([app.restored, notebooks.restored]).then(() => {
      follower.start();
      // plotly.js (4 MB) is parsed once when the page is idle, not when the first curve should appear.
      requestIdleCallback(() => void loadPlotly(), { timeout: 15_000 });
    });
    return model;
  },
};

export default [sidebar, pairingPlugin];
