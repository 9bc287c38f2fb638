// Errors a user of tracking can hit, each saying what to do.

export class TrackingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrackingError";
  }
}

export class UnknownRunError extends TrackingError {
  constructor(ref: string) {
    super(`unknown run '${ref}': %runs lists runs (ids may be shortened to a unique prefix)`);
    this.name = "UnknownRunError";
  }
}

export class NoActiveRunError extends TrackingError {
  constructor(what: string) {
    super(`${what} needs an active run: start one with %%track on the cell, %track, or startRun()`);
    this.name = "NoActiveRunError";
  }
}

export class StoreError extends TrackingError {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

export class UnknownModelError extends TrackingError {
  constructor(ref: string, why: string) {
    super(`no model '${ref}': ${why}; %registry list shows the registered models`);
    this.name = "UnknownModelError";
  }
}
