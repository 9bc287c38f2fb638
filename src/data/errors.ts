// Errors from reading data: each names the file (and line) and what to do, never a parser's stack.
import { InvalidInputError, ModelbenchError } from "../errors";

/** A data file that cannot be read or parsed as asked. */
export class DataFileError extends ModelbenchError {
  constructor(readonly file: string, message: string, readonly line?: number) {
    super(line === undefined ? `${file}: ${message}` : `${file}, line ${line}: ${message}`);
  }
}

/** A corpus whose files are not installed; the message names the command that installs them. */
export class CorpusMissingError extends ModelbenchError {}

export { InvalidInputError };
