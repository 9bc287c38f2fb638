// Loads the module that holds a sweep's objective (for worker processes and `modelbench sweep`):
// CommonJS .js as it is, and .ts compiled on load with TypeScript's transpileModule (types are not
// checked), the way the kernel compiles cells. Every way it can fail says what to change.
import * as fs from "fs";
import * as path from "path";
import { StudyError } from "./storage";
import type { Objective } from "./study";

export class ObjectiveModuleError extends StudyError {
  constructor(message: string) {
    super(message);
    this.name = "ObjectiveModuleError";
  }
}

const TS_EXTENSIONS = [".ts", ".cts", ".mts"];

/** TypeScript's compiler: the project's own, else the one bundled with tslab (always installed). */
function typescript(): { transpileModule(input: string, options: object): { outputText: string }; ModuleKind: { CommonJS: number }; ScriptTarget: { ES2022: number } } {
  try {
    return require("typescript");
  } catch {
    try {
      const tslab = path.dirname(require.resolve("tslab/package.json"));
      return require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslab] }));
    } catch {
      throw new ObjectiveModuleError("a .ts objective module is compiled with the typescript package, which is not installed: `npm install typescript`, or compile the module to .js");
    }
  }
}

/** Lets require() load .ts files (and the .ts files they import) as CommonJS; a hook already there (ts-node) is kept. */
function registerTypeScript(): void {
  const extensions = require.extensions as Record<string, (module: NodeModule, filename: string) => void>;
  const ts = typescript();
  for (const ext of TS_EXTENSIONS) {
    if (extensions[ext]) continue;
    extensions[ext] = (module, filename) => {
      const source = fs.readFileSync(filename, "utf8");
      const { outputText } = ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
      });
      (module as unknown as { _compile(code: string, file: string): void })._compile(outputText, filename);
    };
  }
}

/** The module's exports and its objective (`exportName`, else "objective", else the default export). */
export function loadObjectiveModule(file: string, exportName?: string): { objective: Objective; exports: Record<string, unknown>; file: string } {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new ObjectiveModuleError(`no objective module at ${abs}: write a .js or .ts module that exports objective(params, trial)`);
  if (TS_EXTENSIONS.includes(path.extname(abs))) registerTypeScript();
  let mod: Record<string, unknown>;
  try {
    mod = require(abs);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code === "ERR_REQUIRE_ESM") throw new ObjectiveModuleError(`${abs} is an ES module, which require() cannot load: write it as CommonJS (module.exports / exports.objective), or as .ts`);
    throw new ObjectiveModuleError(`loading ${abs} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(e)}`);
  }
  const name = exportName ?? "objective";
  const objective = (mod?.[name] ?? mod?.default ?? (typeof mod === "function" ? mod : undefined)) as unknown;
  if (typeof objective !== "function") {
    const names = mod && typeof mod === "object" ? Object.keys(mod) : [];
    throw new ObjectiveModuleError(`${abs} exports no objective function: export ${name}(params, trial) (it exports ${names.length ? names.join(", ") : "nothing"})`);
  }
  return { objective: objective as Objective, exports: mod, file: abs };
}
