// The model registry in the main area: each registered model with its versions (newest first),
// the aliases that point at them, and the run each came from (a click opens that run).
import { Widget } from "@lumino/widgets";
import { formatTime } from "../../src/track/format";
import { h } from "./dom";
import type { RunsModel } from "./model";

export interface RegistryActions {
  openRun(runId: string): void;
}

export class RegistryView extends Widget {
  private content = h("div", { class: "mb-registry-body" });
  private status = h("div", { class: "mb-error", role: "alert", hidden: true });

  constructor(private readonly model: RunsModel, private readonly actions: RegistryActions) {
    super();
    this.addClass("mb-registry");
    this.node.tabIndex = -1;
    this.title.label = "Models";
    const refresh = h("button", { class: "jp-mod-styled mb-refresh", type: "button", onclick: () => void model.loadRegistry() }, "Refresh");
    this.node.append(h("header", { class: "mb-detail-header" }, h("h2", {}, "Model registry"), refresh), this.status, this.content);
    model.registryChanged.connect(this.render, this);
    model.connectionChanged.connect(() => model.connected && void model.loadRegistry(), this);
    this.render();
    void model.loadRegistry();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.model.closeRegistry();
    super.dispose();
  }

  private render(): void {
    const { registry, registryError } = this.model;
    this.status.hidden = !registryError;
    this.status.textContent = registryError ?? "";
    if (registry === null) {
      this.content.replaceChildren(h("p", { class: "mb-empty" }, registryError ? "" : "Loading…"));
      return;
    }
    if (!registry.length) {
      this.content.replaceChildren(h("p", { class: "mb-empty" }, "No registered models yet. In a notebook: ", h("code", {}, "%registry register NAME --run RUN"), "."));
      return;
    }
    this.content.replaceChildren(
      ...registry.map((m) =>
        h("section", { class: "mb-section mb-model", "data-model": m.name },
          h("h3", {}, m.name, ...Object.entries(m.aliases).map(([a, v]) => h("span", { class: "mb-tag mb-alias", title: `@${a} → version ${v}` }, `@${a} → v${v}`))),
          h("table", { class: "mb-table" },
            h("thead", {}, h("tr", {}, ...["version", "aliases", "run", "artifact", "registered", "description"].map((c) => h("th", {}, c)))),
            h("tbody", {},
              ...m.versions.map((v) =>
                h("tr", { "data-version": v.version },
                  h("td", { class: "mb-num" }, `v${v.version}`),
                  h("td", {}, v.aliases.map((a) => `@${a}`).join(" ")),
                  h("td", {}, h("button", { class: "mb-link", type: "button", title: "Open the run this version came from", onclick: () => this.actions.openRun(v.runId) }, v.runId.slice(0, 8))),
                  h("td", {}, h("code", { title: v.hash }, v.artifact)),
                  h("td", {}, formatTime(v.createdAt)),
                  h("td", {}, v.description ?? ""),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
}
