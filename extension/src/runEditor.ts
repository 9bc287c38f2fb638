// What can be changed about a run after the fact, in its detail: notes (saved when the box is left
// or on Ctrl+Enter), tags (chips: × removes, Enter adds), archive / restore, and delete (asked
// first; the artifact files stay until %gc). Refusals from the store are shown where they happen.
import { h } from "./dom";
import type { OpenDetail, RunsModel } from "./model";

export interface RunEditorActions {
  /** Asks the user; resolves true to go ahead (a JupyterLab dialog, from index.ts). */
  confirm(title: string, body: string, accept: string): Promise<boolean>;
}

export class RunEditor {
  readonly node = h("section", { class: "mb-section mb-run-editor", "aria-label": "Edit run" });
  private tags = h("div", { class: "mb-edit-tags" });
  private tagInput = h("input", { class: "jp-mod-styled mb-tag-input", type: "text", placeholder: "add a tag", "aria-label": "Add a tag", spellcheck: "false" });
  private notes = h("textarea", { class: "jp-mod-styled mb-notes", rows: 3, "aria-label": "Notes", placeholder: "Notes: what this run tried, what it showed (saved when you leave the box, or Ctrl+Enter)" });
  private archive = h("button", { class: "jp-mod-styled mb-archive-run", type: "button" });
  private remove = h("button", { class: "jp-mod-styled jp-mod-warn mb-delete-run", type: "button" }, "Delete…");
  private status = h("div", { class: "mb-edit-status", role: "status" });
  private banner = h("div", { class: "mb-edit-banner", hidden: true });
  private detail: OpenDetail | null = null;
  /** The notes as saved: what the box is compared with when left. */
  private savedNotes = "";

  constructor(private readonly model: RunsModel, private readonly actions: RunEditorActions | null) {
    this.notes.addEventListener("blur", () => void this.saveNotes());
    this.notes.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.saveNotes();
      }
    });
    this.tagInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === ",") {
        e.preventDefault();
        const tag = this.tagInput.value.trim();
        if (tag) void this.changeTags([...this.current.tags, tag], () => (this.tagInput.value = ""));
      }
    });
    this.archive.addEventListener("click", () => void this.toggleArchived());
    this.remove.addEventListener("click", () => void this.deleteRun());
    this.node.append(
      this.banner,
      h("div", { class: "mb-edit-row" }, h("span", { class: "mb-edit-label" }, "tags"), this.tags, this.tagInput),
      h("div", { class: "mb-edit-row" }, h("span", { class: "mb-edit-label" }, "notes"), this.notes),
      h("div", { class: "mb-edit-row mb-edit-actions" }, this.archive, this.remove, this.status),
    );
  }

  private get current() {
    return this.detail!.run;
  }

  /** Shows the open run; the notes box keeps what is being typed in it. */
  update(detail: OpenDetail | null): void {
    const runChanged = detail?.run.id !== this.detail?.run.id;
    this.detail = detail;
    this.node.hidden = !detail;
    if (!detail) return;
    const r = detail.run;
    if (runChanged) this.say("");
    const notes = r.notes ?? "";
    if (runChanged || (document.activeElement !== this.notes && notes !== this.savedNotes)) this.notes.value = notes;
    this.savedNotes = notes;
    this.tags.replaceChildren(...r.tags.map((t) =>
      h("span", { class: "mb-tag mb-tag-chip", "data-tag": t }, t,
        h("button", { class: "mb-tag-remove", type: "button", title: `Remove tag ${t}`, "aria-label": `Remove tag ${t}`, onclick: () => void this.changeTags(r.tags.filter((x) => x !== t)) }, "×"))));
    const ended = r.status !== "running";
    const gone = !!detail.deleted;
    this.archive.textContent = r.archived ? "Restore" : "Archive";
    this.archive.title = r.archived ? "List this run in the Runs panel again" : ended ? "Hide this run from the Runs panel (restorable; “show archived” lists it)" : "A run can be archived once it has ended";
    this.archive.disabled = gone || (!ended && !r.archived);
    this.remove.disabled = gone || !ended;
    this.remove.title = ended ? "Delete this run and everything recorded under it" : "A run can be deleted once it has ended";
    for (const el of [this.notes, this.tagInput]) el.disabled = gone;
    this.node.dataset.archived = String(!!r.archived);
    this.banner.hidden = !gone && !r.archived;
    this.banner.textContent = gone ? "This run was deleted. Run %gc in a notebook to free the files only it used." : "Archived: hidden from the Runs panel (tick “archived” there to list it).";
    this.banner.classList.toggle("mb-edit-banner-deleted", gone);
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle("mb-error", error);
    this.status.setAttribute("role", error ? "alert" : "status");
  }

  /** Runs an edit of the open run, saying how it went; true when it went through. */
  private async run(what: string, edit: (runId: string) => Promise<unknown>, done: string): Promise<boolean> {
    if (!this.detail || this.detail.deleted) return false;
    this.say(`${what}…`);
    try {
      await edit(this.current.id);
      this.say(done);
      return true;
    } catch (e) {
      this.say(e instanceof Error ? e.message : String(e), true);
      return false;
    }
  }

  private async saveNotes(): Promise<void> {
    const notes = this.notes.value;
    if (!this.detail || notes === this.savedNotes) return;
    if (await this.run("saving notes", (id) => this.model.setNotes(id, notes), "notes saved")) this.savedNotes = notes;
  }

  private async changeTags(tags: string[], after?: () => void): Promise<void> {
    if (await this.run("saving tags", (id) => this.model.setTags(id, tags), "tags saved")) after?.();
  }

  private async toggleArchived(): Promise<void> {
    const archived = !this.current.archived;
    await this.run(archived ? "archiving" : "restoring", (id) => this.model.setArchived(id, archived), archived ? "archived: hidden from the Runs panel" : "restored to the Runs panel");
  }

  private async deleteRun(): Promise<void> {
    const r = this.current;
    const body = `Delete run “${r.name}” (${r.id.slice(0, 8)}) and everything recorded under it: params, metrics, media, console output and artifact records. ` +
      `This cannot be undone. Its artifact files stay on disk until you run %gc in a notebook.`;
    if (!(await (this.actions ? this.actions.confirm("Delete run?", body, "Delete") : Promise.resolve(window.confirm(body))))) return;
    let message = "";
    await this.run("deleting", async (id) => (message = await this.model.deleteRun(id)), "deleted");
    if (message) this.say(message);
  }

  dispose(): void {
    this.detail = null;
  }
}
