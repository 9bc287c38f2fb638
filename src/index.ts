// modelbench: the library behind the kernel's magics, usable from any Node script.
export * from "./track";
export * from "./tune";
export * from "./metrics";
export * from "./features";
export * from "./baselines";
export * from "./models";
export * from "./data";
export * from "./neural";
export * from "./train";
export * from "./debug";
export * from "./evaluate";
export * from "./automl";
export { Random } from "./random";
export { ModelbenchError, InvalidInputError, NotFittedError } from "./errors";
export { display, clearOutput, html, markdown, mime, MIME, DisplayHandle, setDisplaySink, toDisplayOutput, type MimeBundle } from "./display";
export { comms, Comm, CommRegistry } from "./comm";
export { diffLines, unifiedDiff } from "./diff";
export {
  syncPair,
  syncPaths,
  diffNotebooks,
  formatNotebookDiff,
  readNotebookFile,
  readPercent,
  writePercent,
  parseIpynb,
  writeIpynb,
  type Notebook,
  type NotebookDiff,
  type CellDiff,
  type SyncResult,
} from "./notebook";
export { storeUri, projectRoot } from "./store/location";
export { onInterrupt, fireInterrupt } from "./runtime/interrupt";
export { Figure, lineChart, learningCurveFigure, confusionMatrixFigure, rocFigure, prFigure, metricBars, histogram, barChart, PLOTLY_MIME, type FigureSpec, type Series, type CurveInput, type BarItem } from "./display/figures";
export * from "./transformers";
