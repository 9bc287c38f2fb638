// The pruner that never prunes: every trial runs to the end.
import type { Pruner } from "../types";
import { checkKeys } from "../options";

export class NopPruner implements Pruner {
  readonly name = "none";

  constructor(options: Record<string, never> = {}) {
    checkKeys("NopPruner", options, []);
  }

  shouldPrune(): boolean {
    return false;
  }
}
