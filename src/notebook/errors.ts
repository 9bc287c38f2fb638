// Errors a user can hit while reading, converting or syncing notebooks. Each says which file and
// what to do; none of them is raised after a file was written.
import { ModelbenchError } from "../errors";

/** A .ipynb that is not valid JSON or not an nbformat 4 notebook. */
export class InvalidNotebookError extends ModelbenchError {}

/** A text notebook that cannot be read as jupytext's percent format. */
export class MalformedTextNotebookError extends ModelbenchError {}

/** A file that is not UTF-8 text (a binary file where a notebook was expected). */
export class BinaryFileError extends ModelbenchError {}

/** A pairing or file format modelbench does not implement (only ipynb + <ext>:percent). */
export class UnsupportedFormatError extends ModelbenchError {}

/** Neither side of a pair exists, or a path is not a notebook of the pair. */
export class NotebookNotFoundError extends ModelbenchError {}

/** Both sides of a pair changed since the last sync: nothing was written. */
export class SyncConflictError extends ModelbenchError {
  constructor(
    message: string,
    readonly ipynbPath: string,
    readonly textPath: string,
    /** Unified diff from the notebook's inputs (as percent text) to the text file. */
    readonly diff: string,
  ) {
    super(message);
  }
}
