// When a store may delete a run: the same refusals, word for word, on every backend.
import { TrackingError } from "../track/errors";

/**
 * Throws if the run has nested runs (deleting it would orphan them) or registered model versions
 * (the registry would point at nothing). `models` are "name/version".
 */
export function checkDeletable(runId: string, nestedRuns: number, models: string[]): void {
  if (nestedRuns) throw new TrackingError(`run ${runId.slice(0, 8)} has ${nestedRuns} nested run(s): delete them first (or archive the run instead)`);
  if (models.length) throw new TrackingError(`run ${runId.slice(0, 8)} holds registered model versions (${models.join(", ")}): archive the run instead`);
}
