// Errors a user can cause by what they pass in. Each message names the problem and what to do
// instead, so a notebook shows one readable line rather than a stack trace from deep inside.

/** Base of every error modelbench raises on purpose; anything else escaping src/ is a bug. */
export class ModelbenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Data or an argument that cannot be used as given (wrong shape, wrong values, unknown option). */
export class InvalidInputError extends ModelbenchError {}

/** A model or transformer used before `fit`. */
export class NotFittedError extends ModelbenchError {
  constructor(what: string) {
    super(`this ${what} is not fitted yet: call fit(X, y) first`);
  }
}

/** Throws InvalidInputError when an option is not one of the allowed values. */
export function checkOption<T>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    const list = allowed.map((a) => JSON.stringify(a)).join(", ");
    throw new InvalidInputError(`unknown ${name} ${JSON.stringify(value)}: use one of ${list}`);
  }
  return value;
}
