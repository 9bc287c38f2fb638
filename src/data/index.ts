// Data: loaders (CSV, JSON, JSON lines, ARFF → arquero tables or danfo DataFrames), real corpora,
// splits and cross-validation folds, and describe(). Importing it registers how tables display.
import { registerTableDisplays } from "./render";
export { readCSV, readJSON, readJSONL, readARFF, csvColumns, type ReadOptions, type CsvOptions } from "./load";
export { parseArff, type Arff, type ArffAttribute } from "./arff";
export { DataFileError, CorpusMissingError } from "./errors";
export { recordFiles } from "./provenance";
export { takeRows, rowCount, columnValues, isArqueroTable, isDanfoFrame, type TableKind, type DanfoFrame } from "./table";
export { frameBundle, tableBundle, registerTableDisplays } from "./render";
export {
  trainTestSplit, trainTestIndices, groupSplit, KFold, StratifiedKFold, GroupKFold,
  type Fold, type Split, type SplitOptions, type GroupSplitOptions, type KFoldOptions, type PerRow,
} from "./split";
export { iterativeStratification, type IterativeOptions } from "./iterative";
export { describe, summarizeColumn, labelFrequencies, quantile, Description, type ColumnSummary, type ColumnType, type LabelSummary, type LabelFrequency, type NumericSummary, type DescribeOptions } from "./describe";
export { loadBrown, loadReuters, loadReutersTm, debianDataDir, type BrownOptions, type CorpusOptions } from "./corpora";

// A script that loads tables with these helpers shows them as tables, as a notebook does.
registerTableDisplays();
