// Hyperband (Li et al. 2018) over asynchronous successive halving: trials are dealt into
// brackets that differ in how early they start pruning (from aggressive to barely), and each
// bracket runs its own successive halving among its own trials only, hedging against a
// minResource that is too small for the problem.
import type { Direction, FrozenTrial, Pruner } from "../types";
import { OptionError, checkKeys, wholeNumber } from "../options";
import { SuccessiveHalvingPruner } from "./successive-halving";

export interface HyperbandOptions {
  /** Steps before the first rung of the most aggressive bracket. */
  minResource?: number;
  /** The most steps a trial takes; "auto" takes the longest complete trial once one exists. */
  maxResource?: number | "auto";
  /** η, as in successive halving. */
  reductionFactor?: number;
  /** As in successive halving, per bracket. */
  bootstrapCount?: number;
  /** Mixed into the bracket hash, so two studies deal their trials differently. */
  studyName?: string;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE) of a string's UTF-8 bytes: a hash that is the same in every process and version. */
export function crc32(text: string): number {
  let c = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Brackets {
  pruners: SuccessiveHalvingPruner[];
  /** Each bracket's share of trials, the paper's n for that bracket. */
  budgets: number[];
  total: number;
}

export class HyperbandPruner implements Pruner {
  readonly name = "hyperband";
  private readonly minResource: number;
  private maxResource: number | null;
  private readonly eta: number;
  private readonly bootstrapCount: number;
  private readonly studyName: string;
  private brackets: Brackets | null = null;

  constructor(options: HyperbandOptions = {}) {
    const what = "HyperbandPruner";
    checkKeys(what, options, ["minResource", "maxResource", "reductionFactor", "bootstrapCount", "studyName"]);
    this.minResource = wholeNumber(what, "minResource", options.minResource ?? 1, 1);
    const max = options.maxResource ?? "auto";
    this.maxResource = max === "auto" ? null : wholeNumber(what, "maxResource", max, this.minResource);
    this.eta = wholeNumber(what, "reductionFactor", options.reductionFactor ?? 3, 2);
    this.bootstrapCount = wholeNumber(what, "bootstrapCount", options.bootstrapCount ?? 0, 0);
    if (options.studyName !== undefined && typeof options.studyName !== "string") throw new OptionError(`${what}: studyName must be a string`);
    this.studyName = options.studyName ?? "";
  }

  /** How many brackets there are, once maxResource is known (null before). */
  get nBrackets(): number | null {
    return this.brackets?.pruners.length ?? null;
  }

  /** The bracket of trial `number`: 0 is the most aggressive. 0 until maxResource is known. */
  bracketOf(number: number): number {
    if (!this.brackets) return 0;
    let n = crc32(this.studyName ? `${this.studyName}_${number}` : String(number)) % this.brackets.total;
    for (let b = 0; b < this.brackets.budgets.length; b++) {
      n -= this.brackets.budgets[b];
      if (n < 0) return b;
    }
    return this.brackets.budgets.length - 1;
  }

  shouldPrune(trial: FrozenTrial, step: number, trials: readonly FrozenTrial[], direction: Direction): boolean {
    const brackets = this.setUp(trials);
    if (!brackets) return false;
    const bracket = this.bracketOf(trial.number);
    const peers = trials.filter((t) => this.bracketOf(t.number) === bracket);
    return brackets.pruners[bracket].shouldPrune(trial, step, peers, direction);
  }

  private setUp(trials: readonly FrozenTrial[]): Brackets | null {
    if (this.brackets) return this.brackets;
    if (this.maxResource === null) {
      const steps = trials.filter((t) => t.state === "complete" && t.intermediate.size).map((t) => Math.max(...t.intermediate.keys()));
      if (!steps.length) return null;
      this.maxResource = Math.max(...steps) + 1;
    }
    // s_max + 1 = ⌊log_η(R / r)⌋ + 1 brackets; the epsilon keeps log₃(243) = 4.999… from losing one.
    const n = Math.max(1, Math.floor(Math.log(this.maxResource / this.minResource) / Math.log(this.eta) + 1e-9) + 1);
    const pruners: SuccessiveHalvingPruner[] = [];
    const budgets: number[] = [];
    for (let b = 0; b < n; b++) {
      const s = n - 1 - b;
      // Aggressive brackets start more trials, so that each bracket spends a similar budget.
      budgets.push(Math.ceil((n * this.eta ** s) / (s + 1)));
      pruners.push(new SuccessiveHalvingPruner({ minResource: this.minResource, reductionFactor: this.eta, minEarlyStoppingRate: b, bootstrapCount: this.bootstrapCount }));
    }
    this.brackets = { pruners, budgets, total: budgets.reduce((a, b) => a + b, 0) };
    return this.brackets;
  }
}
