// Iterative stratification for multi-label data (Sechidis, Tsoumakas & Vlahavas, "On the
// stratification of multi-label data", ECML PKDD 2011, Algorithm 1): the rarest label is
// distributed first, each of its rows going to the subset that most lacks that label, so rare
// labels land in every subset in proportion instead of by luck.
import { InvalidInputError } from "../errors";
import { Random } from "../random";

export interface IterativeOptions {
  /** Seed for tie-breaking and row order; without it, the global seed sequence (%seed) or a fresh one. */
  seed?: number;
}

/** Picks uniformly among the indices whose score is maximal (within a hair). */
function argmaxRandom(indices: number[], score: (j: number) => number, rng: Random): number[] {
  let best = -Infinity;
  let out: number[] = [];
  for (const j of indices) {
    const s = score(j);
    if (s > best + 1e-9) (best = s), (out = [j]);
    else if (Math.abs(s - best) <= 1e-9) out.push(j);
  }
  return out;
}

function shuffleInPlace<T>(a: T[], rng: Random): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * The subset (0 … proportions.length − 1) of every row, for rows whose label is a set of strings.
 * `proportions` are the desired subset sizes as fractions (normalised to sum 1), e.g. [0.8, 0.2]
 * for a train/test split or five times 0.2 for 5 folds.
 */
export function iterativeStratification(
  labels: readonly (readonly string[])[],
  proportions: readonly number[],
  options: IterativeOptions = {},
): number[] {
  if (!proportions.length || proportions.some((p) => !(p > 0) || !Number.isFinite(p))) {
    throw new InvalidInputError(`proportions must be positive numbers, e.g. [0.8, 0.2]; got [${proportions.join(", ")}]`);
  }
  labels.forEach((ls, i) => {
    if (!Array.isArray(ls)) throw new InvalidInputError(`row ${i}'s label is ${JSON.stringify(ls)}, not an array of strings: multi-label rows hold a set such as ["grain", "corn"]`);
  });
  const rng = new Random(options.seed);
  const k = proportions.length;
  const total = proportions.reduce((a, b) => a + b, 0);
  const r = proportions.map((p) => p / total);
  const n = labels.length;

  const labelIds = new Map<string, number>();
  const rowLabels = labels.map((ls) => [...new Set(ls.map(String))].map((l) => {
    if (!labelIds.has(l)) labelIds.set(l, labelIds.size);
    return labelIds.get(l)!;
  }));
  const L = labelIds.size;
  const rowsOf: number[][] = Array.from({ length: L }, () => []);
  rowLabels.forEach((ls, i) => ls.forEach((l) => rowsOf[l].push(i)));

  const want = r.map((x) => x * n); // c_j: rows still wanted by subset j
  const wantLabel = rowsOf.map((rows) => r.map((x) => x * rows.length)); // c_j^λ
  const left = rowsOf.map((rows) => rows.length); // unassigned rows per label
  const fold = new Array<number>(n).fill(-1);
  const subsets = Array.from({ length: k }, (_, j) => j);

  const assign = (i: number, j: number) => {
    fold[i] = j;
    want[j]--;
    for (const l of rowLabels[i]) {
      wantLabel[l][j]--;
      left[l]--;
    }
  };

  for (;;) {
    // The label with the fewest (but some) unassigned rows; ties at random.
    let fewest = Infinity;
    let cands: number[] = [];
    for (let l = 0; l < L; l++) {
      if (left[l] === 0) continue;
      if (left[l] < fewest) (fewest = left[l]), (cands = [l]);
      else if (left[l] === fewest) cands.push(l);
    }
    if (!cands.length) break;
    const l = cands[rng.int(cands.length)];
    for (const i of shuffleInPlace(rowsOf[l].filter((x) => fold[x] < 0), rng)) {
      let m = argmaxRandom(subsets, (j) => wantLabel[l][j], rng);
      if (m.length > 1) m = argmaxRandom(m, (j) => want[j], rng);
      assign(i, m[rng.int(m.length)]);
    }
  }
  // Rows without any label go where rows are most wanted.
  for (const i of shuffleInPlace(Array.from({ length: n }, (_, i) => i).filter((i) => fold[i] < 0), rng)) {
    const m = argmaxRandom(subsets, (j) => want[j], rng);
    assign(i, m[rng.int(m.length)]);
  }
  return fold;
}
