// A notebook with the inputs of one side and the outputs of the other (jupytext's
// combine_inputs_with_outputs): each text cell is matched to the .ipynb cell it came from.
import { Cell, Notebook } from "./ipynb";
import { cloneJson, isJsonObject } from "./pyjson";
import { DEFAULT_CELL_FILTER, DEFAULT_NOTEBOOK_FILTER, restoreFilteredMetadata } from "./metadata";


// Cells count as the same content when they differ only by what a formatter would change.
const invariant = (text: string) => text.replace(/[ \t\n,'"()\\]/g, "");
function sameContent(ref: string, test: string, endsWith = false): boolean {
  const r = invariant(ref), t = invariant(test);
  return endsWith && t ? r.endsWith(t) : r === t;
}

/** For each input cell, the index of the output cell it takes outputs from (or null). */
export function mapOutputsToInputs(inputs: Cell[], outputs: Cell[]): (number | null)[] {
  const map: (number | null)[] = inputs.map(() => null);
  // 1. same type and content, in order within each cell type
  const firstUnmatched = new Map<string, number>();
  inputs.forEach((cell, i) => {
    for (let j = firstUnmatched.get(cell.cell_type) ?? 0; j < outputs.length; j++) {
      if (cell.cell_type === outputs[j].cell_type && sameContent(cell.source, outputs[j].source)) {
        map[i] = j;
        firstUnmatched.set(cell.cell_type, j + 1);
        break;
      }
    }
  });
  // 2. same content anywhere, then 3. the input is the end of an output cell (a split cell)
  const unused = new Set(outputs.map((_, j) => j).filter((j) => !map.includes(j)));
  for (const endsWith of [false, true]) {
    if (!unused.size) return map;
    inputs.forEach((cell, i) => {
      if (map[i] !== null) return;
      for (const j of [...unused].sort((x, y) => x - y)) {
        if (cell.cell_type === outputs[j].cell_type && sameContent(outputs[j].source, cell.source, endsWith)) {
          map[i] = j;
          unused.delete(j);
          break;
        }
      }
    });
  }
  // 4. a non-empty edited cell takes the outputs of the cell right after the previous match
  if (!unused.size) return map;
  let prev = -1;
  inputs.forEach((cell, i) => {
    const m = map[i];
    if (m !== null) {
      prev = m;
      return;
    }
    const j = prev + 1;
    if (!unused.has(j)) return;
    if (cell.cell_type === outputs[j].cell_type && cell.source.trim() !== "") {
      map[i] = j;
      unused.delete(j);
      prev = j;
    }
  });
  return map;
}

/** Inputs (and the metadata the text shows) from `source`; outputs, ids and hidden metadata from `withOutputs`. */
export function combineInputsWithOutputs(source: Notebook, withOutputs: Notebook): Notebook {
  const jt = isJsonObject(source.metadata.jupytext) ? source.metadata.jupytext : {};
  const nbFilter = typeof jt.notebook_metadata_filter === "string" ? jt.notebook_metadata_filter : undefined;
  const metadata =
    nbFilter === "-all"
      ? cloneJson(withOutputs.metadata)
      : restoreFilteredMetadata(cloneJson(source.metadata), withOutputs.metadata, nbFilter, DEFAULT_NOTEBOOK_FILTER);
  if (isJsonObject(metadata.jupytext)) {
    // jupytext drops it whenever it writes an .ipynb
    metadata.jupytext = { ...metadata.jupytext };
    delete metadata.jupytext.text_representation;
    if (!Object.keys(metadata.jupytext).length) delete metadata.jupytext;
  }
  const cellFilter = isJsonObject(metadata.jupytext) && typeof metadata.jupytext.cell_metadata_filter === "string" ? metadata.jupytext.cell_metadata_filter : undefined;
  const map = mapOutputsToInputs(source.cells, withOutputs.cells);
  const cells = source.cells.map((cell, i): Cell => {
    const j = map[i];
    if (j === null) return cloneJson(cell);
    const out = cloneJson(withOutputs.cells[j]);
    out.source = cell.source;
    out.metadata = restoreFilteredMetadata(cloneJson(cell.metadata), out.metadata, cellFilter, DEFAULT_CELL_FILTER);
    return out;
  });
  return { ...cloneJson(withOutputs), metadata, cells, nbformat: withOutputs.nbformat, nbformat_minor: withOutputs.nbformat_minor };
}
