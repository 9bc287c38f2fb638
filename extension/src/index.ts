// The plugin: puts the Runs panel in the right sidebar, opens run detail and comparison in the
// main area, and connects the model to a modelbench kernel. Wiring only: state lives in
// model.ts, rendering in the *View.ts files, the kernel choice in connection.ts.
import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ICommandPalette, MainAreaWidget } from "@jupyterlab/apputils";
import { INotebookTracker } from "@jupyterlab/notebook";
import { CompareView } from "./compareView";
import { KernelFollower } from "./connection";
import { RunDetailView } from "./detailView";
import { runsIcon } from "./icon";
import { RunsModel } from "./model";
import { pairingPlugin } from "./pairingPlugin";
import { RunsPanel } from "./runsView";
import { IRunsModel } from "./tokens";

const COMMANDS = {
  show: "modelbench:show-runs",
  open: "modelbench:open-run",
  compare: "modelbench:compare-runs",
  refresh: "modelbench:refresh-runs",
};

const sidebar: JupyterFrontEndPlugin<RunsModel> = {
  id: "modelbench-labextension:runs",
  description: "The modelbench Runs panel: live runs, run detail and comparison.",
  autoStart: true,
  provides: IRunsModel,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette],
  activate(app: JupyterFrontEnd, notebooks: INotebookTracker, restorer: ILayoutRestorer | null, palette: ICommandPalette | null): RunsModel {
    const model = new RunsModel();
    let detail: MainAreaWidget<RunDetailView> | null = null;
    let compare: MainAreaWidget<CompareView> | null = null;
    // Detail and comparison share one area beside the notebook: a tab next to the other, if open.
    const beside = (other: MainAreaWidget | null) =>
      other && !other.isDisposed ? { mode: "tab-after" as const, ref: other.id } : { mode: "split-right" as const };

    const panel = new RunsPanel(model, {
      openRun: (runId) => void app.commands.execute(COMMANDS.open, { runId }),
      compare: () => void app.commands.execute(COMMANDS.compare),
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
          detail = new MainAreaWidget({ content: new RunDetailView(model) });
          detail.id = "modelbench-run-detail";
          detail.title.icon = runsIcon;
          detail.title.closable = true;
          detail.content.title.changed.connect(() => (detail!.title.label = detail!.content.title.label));
          detail.disposed.connect(() => model.closeDetail());
          app.shell.add(detail, "main", beside(compare));
        }
        app.shell.activateById(detail.id);
      },
    });
    app.commands.addCommand(COMMANDS.compare, {
      label: "Compare Selected Runs",
      isEnabled: () => model.selection.size >= 2,
      execute: async () => {
        await model.compare();
        if (!model.comparison) return;
        if (!compare || compare.isDisposed) {
          compare = new MainAreaWidget({ content: new CompareView(model) });
          compare.id = "modelbench-compare";
          compare.title.icon = runsIcon;
          compare.title.closable = true;
          compare.content.title.changed.connect(() => (compare!.title.label = compare!.content.title.label));
          compare.title.label = compare.content.title.label;
          app.shell.add(compare, "main", beside(detail));
        }
        app.shell.activateById(compare.id);
      },
    });
    app.commands.addCommand(COMMANDS.refresh, {
      label: "Refresh Runs",
      execute: () => model.refresh(),
    });
    palette?.addItem({ command: COMMANDS.show, category: "modelbench" });
    palette?.addItem({ command: COMMANDS.refresh, category: "modelbench" });

    const follower = new KernelFollower(model, notebooks, app.serviceManager);
    void Promise.all([app.restored, notebooks.restored]).then(() => follower.start());
    return model;
  },
};

export default [sidebar, pairingPlugin];
