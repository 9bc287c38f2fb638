// Placeholder until the pruners land from the tune-algos branch (this file is replaced there).
import type { Pruner } from "../types";

export function makePruner(name: string, _opts: Record<string, unknown> = {}): Pruner {
  return { name, shouldPrune: () => false };
}
