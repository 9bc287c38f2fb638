// Notebooks as files: .ipynb and jupytext's percent scripts, pairing them, and cell-aware diffs.
export { Cell, CellType, Notebook, parseIpynb, writeIpynb, newCellId, emptyNotebook, cloneNotebook } from "./ipynb";
export { readPercent, writePercent, withoutTextRepresentation, checkPercentText, isCellMarker, JUPYTEXT_VERSION, FormatOptions, PercentOptions } from "./percent";
export { combineInputsWithOutputs, mapOutputsToInputs } from "./combine";
export { JupytextConfig, loadConfig, parseConfig, parsePairing } from "./config";
export { syncPair, syncPaths, pairedPaths, findPairedNotebooks, PairPaths, SyncOptions, SyncResult, SyncOutcome, InputsFrom } from "./pair";
export { diffNotebooks, formatNotebookDiff, similarity, NotebookDiff, CellDiff, PartDiff, NotebookDiffOptions } from "./diff";
export { readNotebookFile, readText, writeAtomic } from "./files";
export { PyFloat } from "./pyjson";
export * from "./errors";
export { ModelbenchError } from "../errors";
