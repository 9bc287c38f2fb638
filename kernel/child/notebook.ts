// What a tracked run records as its code: the cell that runs, and the notebook around it (the
// notebook file JupyterLab names, else the cells run so far in this runtime).
import * as fs from "fs";
import * as path from "path";
import type { CodeContext } from "../../src/track";
import { modulesSection, type ModuleSnapshot } from "./modules";

export class NotebookCapture {
  /** The cell running now, null between cells. */
  cell: string | null = null;
  private readonly ran: string[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly cwd = () => process.cwd(),
    /** The project's modules the cells imported: recorded after the cell, each with its content hash. */
    private readonly modules: () => ModuleSnapshot[] = () => [],
  ) {}

  cellStarted(code: string): void {
    this.cell = code;
  }

  cellEnded(code: string): void {
    this.ran.push(code);
  }

  /** The code context of a run started now (what track.setCodeProvider asks for): the cell, then
   * the project modules imported so far, so a change in one shows in %compare's code diff. */
  context(): CodeContext {
    return { source: this.cell === null ? null : this.cell + modulesSection(this.modules(), this.cwd()), ...this.notebookCode() };
  }

  /** The notebook's file: JupyterLab tells the kernel its session path in JPY_SESSION_NAME. */
  private notebookFile(): string | null {
    const name = this.env.JPY_SESSION_NAME;
    if (!name || !name.endsWith(".ipynb")) return null;
    for (let dir = this.cwd(); ; dir = path.dirname(dir)) {
      const candidate = path.isAbsolute(name) ? name : path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
      if (path.isAbsolute(name) || path.dirname(dir) === dir) return null;
    }
  }

  private notebookCode(): { notebook: string; notebookPath: string | null } {
    const file = this.notebookFile();
    if (file) {
      try {
        const nb = JSON.parse(fs.readFileSync(file, "utf8"));
        const cells = (nb.cells ?? []).filter((c: any) => c.cell_type === "code")
          .map((c: any) => (Array.isArray(c.source) ? c.source.join("") : String(c.source ?? "")));
        return { notebook: cells.map((c: string) => `// %%\n${c}`).join("\n\n"), notebookPath: file };
      } catch {
        /* unreadable: fall back to what ran */
      }
    }
    const ran = [...this.ran, ...(this.cell !== null ? [this.cell] : [])];
    return { notebook: ran.map((c, i) => `// %% In[${i + 1}]\n${c}`).join("\n\n"), notebookPath: null };
  }
}

