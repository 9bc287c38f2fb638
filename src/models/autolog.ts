// Autologging: inside an active run, an estimator's fit() records its hyperparameters, how long it
// took, how big the fitted model is (bytes of its JSON) and its per-iteration losses, with no code
// of the user's. Each fit() runs through autologFit; a fit inside another one (one-vs-rest's
// per-label models, a learning curve's refits) logs nothing itself: the outermost fit speaks for it.
import { AsyncLocalStorage } from "async_hooks";
import { performance } from "perf_hooks";
import { InvalidInputError } from "../errors";
import { activeRun } from "../track/tracker";
import { MODEL_FORMAT } from "./serialize";

export interface AutologSettings {
  /** Log fits at all (default true). */
  enabled: boolean;
  /** Log per-iteration losses: solver iterations, boosting rounds, epochs (default true). Off keeps params, fit_time and model_size. */
  iterations: boolean;
}

/** What a fit measured along the way: a series per metric, one value per iteration. */
export interface FitReport {
  iterations?: Record<string, readonly number[]>;
  /** The step of each series' first value (default 0). */
  firstStep?: number;
}

interface State {
  settings: AutologSettings;
  /** How many fits enclose the code running now. */
  depth: AsyncLocalStorage<number>;
  /** The name prefix of the outermost fit running now ("" or "LogisticRegression/"). */
  prefix: AsyncLocalStorage<string>;
  /** Per run, the estimator whose fits log without a prefix: the first one autologged there. */
  owner: WeakMap<object, string>;
}

// On globalThis, like the tracker's state, so two copies of this module agree.
const KEY = Symbol.for("modelbench.autolog");
function state(): State {
  const g = globalThis as { [KEY]?: State };
  return (g[KEY] ??= {
    settings: { enabled: true, iterations: true }, depth: new AsyncLocalStorage<number>(), prefix: new AsyncLocalStorage<string>(), owner: new WeakMap(),
  });
}

/**
 * Turns autologging on or off: `autolog(false)`, `autolog(true)`, or `autolog({ iterations: false })`
 * to keep params, fit_time and model_size but not the per-iteration losses. Returns the settings now.
 */
export function autolog(on?: boolean | Partial<AutologSettings>): AutologSettings {
  const s = state().settings;
  if (typeof on === "boolean") s.enabled = on;
  else if (on !== undefined) {
    if (on === null || typeof on !== "object") throw new InvalidInputError(`autolog takes true, false or { enabled, iterations }, got ${JSON.stringify(on)}`);
    for (const [k, v] of Object.entries(on)) {
      if (k !== "enabled" && k !== "iterations") throw new InvalidInputError(`unknown autolog setting '${k}': use enabled or iterations`);
      if (typeof v !== "boolean") throw new InvalidInputError(`autolog's ${k} is true or false, got ${JSON.stringify(v)}`);
      s[k] = v;
    }
  }
  return { ...s };
}

/** The class name ("LogisticRegression"; neural models say theirs in `model`), or "model" for a plain object. */
export function estimatorName(model: object): string {
  const own = (model as { model?: unknown }).model;
  if (typeof own === "string") return own;
  const name = model.constructor?.name;
  return name && model.constructor !== Object ? name : "model";
}

/**
 * Hyperparameters as run params: a nested saved model (one-vs-rest's `estimator`) becomes its kind
 * under the key and its own params under `key.name`, as scikit-learn's `estimator__C`.
 */
export function flattenParams(params: object, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || typeof v === "function") continue;
    const key = prefix + k;
    const saved = v as { format?: unknown; model?: unknown; params?: unknown } | null;
    if (saved !== null && typeof saved === "object" && saved.format === MODEL_FORMAT && typeof saved.model === "string") {
      out[key] = saved.model;
      if (saved.params && typeof saved.params === "object") Object.assign(out, flattenParams(saved.params, `${key}.`));
    } else out[key] = v;
  }
  return out;
}

/** Bytes of a fitted model as saved: its own modelSize() when it has one (big models), else its JSON's; null when it has neither. */
export function modelSize(model: unknown): number | null {
  const m = model as { modelSize?(): number; toJSON?(): unknown };
  if (typeof m.modelSize === "function") return m.modelSize();
  return typeof m.toJSON === "function" ? Buffer.byteLength(JSON.stringify(m.toJSON())) : null;
}

function record(estimator: object, seconds: number, report: FitReport | undefined, prefix: string): void {
  const run = activeRun();
  if (!run) return;
  try {
    const m = estimator as { params?(): object };
    const params: Record<string, unknown> = { estimator_name: estimatorName(estimator), ...(typeof m.params === "function" ? flattenParams(m.params()) : {}) };
    // Params of a second family go under its name with a dot, as nested params do (estimator.C).
    const p = prefix ? prefix.replace(/\/$/, ".") : "";
    run.param(Object.fromEntries(Object.entries(params).map(([k, v]) => [p + k, v])));
    const size = modelSize(estimator);
    run.log({ [`${prefix}fit_time`]: seconds, ...(size === null ? {} : { [`${prefix}model_size`]: size }) });
    if (report?.iterations && state().settings.iterations) {
      const first = report.firstStep ?? 0;
      for (const [name, values] of Object.entries(report.iterations)) values.forEach((v, i) => run.log({ [prefix + name]: v }, { step: first + i }));
    }
  } catch (e) {
    // A fit that worked is not failed by its logging; say what was not recorded.
    process.emitWarning(`autolog could not record the fit of ${estimatorName(estimator)}: ${(e as Error).message}`, "ModelbenchWarning");
  }
}

/**
 * Runs `fit` (sync, or async like train()) as a fit of `estimator`. The outermost fit inside an
 * active run, with autolog on, then logs params, fit_time (seconds), model_size (bytes of its
 * JSON) and the iterations `report` gives; fits inside it log nothing of their own.
 */
export function autologFit<T>(estimator: object, fit: () => T, report?: () => FitReport | undefined): T {
  const st = state();
  const { depth, settings } = st;
  const level = depth.getStore() ?? 0;
  const started = performance.now();
  const run = level === 0 && settings.enabled ? activeRun() : null;
  if (!run) return depth.run(level + 1, fit);
  // Two families fitted in one run (a network and the TF-IDF model it is compared with) must not
  // write into each other's loss curve or params: the first logs plain names, others under their own.
  const name = estimatorName(estimator);
  const owner = st.owner.get(run) ?? (st.owner.set(run, name), name);
  const prefix = owner === name ? "" : `${name}/`;
  const result = st.prefix.run(prefix, () => depth.run(level + 1, fit));
  const done = () => record(estimator, (performance.now() - started) / 1000, report?.(), prefix);
  if (result instanceof Promise) return result.then((value) => (done(), value)) as T;
  done();
  return result;
}

/** Runs `fn` as if inside a fit: the fits it makes (e.g. a learning curve's refits) log nothing. */
export function withoutAutolog<T>(fn: () => T): T {
  const { depth } = state();
  return depth.run((depth.getStore() ?? 0) + 1, fn);
}

/**
 * The run a fit should log its iterations to as they happen (boosting rounds): the active run when
 * autolog and its iterations are on and the code runs in an outermost fit; else null.
 */
export function iterationRun(): ReturnType<typeof activeRun> {
  const { depth, settings } = state();
  return settings.enabled && settings.iterations && depth.getStore() === 1 ? activeRun() : null;
}

/** What the fit running now puts before the names it logs as it goes: "" for the run's first family, else "Name/". */
export function iterationPrefix(): string {
  return state().prefix.getStore() ?? "";
}
