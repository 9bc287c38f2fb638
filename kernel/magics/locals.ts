// Notebook variables named in a magic's arguments (%baseline TABLE, %automl TABLE --test TABLE),
// with errors that say how to define them.
import { MagicUsageError } from "./parse";
import { isTableLike, type TableLike } from "../../src/baselines/table";

export const IDENT = /^[A-Za-z_$][\w$]*$/;

/** A notebook variable by name, with an error that says how to define it. */
export function variable(locals: Record<string, unknown>, name: string, flag: string, example: string): unknown {
  if (!IDENT.test(name)) throw new MagicUsageError(`${flag} takes the name of a variable, got '${name}': define it in a cell first, e.g. ${example}`);
  if (!(name in locals)) {
    const close = Object.keys(locals).filter((k) => k.toLowerCase() === name.toLowerCase());
    throw new MagicUsageError(`no variable '${name}' in this notebook${close.length ? ` (did you mean '${close[0]}'?)` : ""}: define it in a cell first, e.g. ${example}`);
  }
  return locals[name];
}

/** A table variable: an arquero table, a danfojs DataFrame or an array of row objects. */
export function tableVariable(locals: Record<string, unknown>, name: string, flag: string): TableLike {
  const value = variable(locals, name, flag, `const ${IDENT.test(name) ? name : "plots"} = aq.from(rows)`);
  if (!isTableLike(value)) {
    throw new MagicUsageError(`'${name}' is ${value === null ? "null" : typeof value}, not a table: ${flag} takes an arquero table, a danfojs DataFrame or an array of row objects`);
  }
  return value;
}
