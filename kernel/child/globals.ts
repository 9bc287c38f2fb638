// Sets the kernel's globals (the one list in kernel/globals.ts) in the runtime. tslab rewrites
// names declared before a cell to `exports.name`, so they live in the executor's locals as well as
// on globalThis (for code outside cells).
import { GLOBAL_MODULES, KERNEL_GLOBALS } from "../globals";

/** The values of the globals: each module's export of that name, and what the runtime provides itself. */
export function globalValues(provided: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const g of KERNEL_GLOBALS) {
    if (g.from === "runtime") {
      if (!(g.name in provided)) throw new Error(`the runtime provides no value for the kernel global '${g.name}'`);
      values[g.name] = provided[g.name];
    } else {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const value = require(GLOBAL_MODULES[g.from])[g.name];
      if (value === undefined) throw new Error(`kernel global '${g.name}' is not exported by ${GLOBAL_MODULES[g.from]}`);
      values[g.name] = value;
    }
  }
  return values;
}

/** Puts the globals where cells find them; returns them, so %who can leave them out. */
export function installGlobals(locals: Record<string, unknown>, provided: Record<string, unknown>): Record<string, unknown> {
  const values = globalValues(provided);
  Object.assign(globalThis, values);
  Object.assign(locals, values);
  return values;
}
