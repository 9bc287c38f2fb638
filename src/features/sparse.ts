// Compressed sparse row matrix: the natural output of text vectorizers, where each document uses a
// tiny fraction of the vocabulary. Row i's entries are indices/data[indptr[i] .. indptr[i+1]),
// with column indices increasing within a row (the layout scipy.sparse.csr_matrix uses).
import { InvalidInputError } from "../errors";

/**
 * The position of column `col` among indices[start .. end) (one row's entries, sorted), or −1 when
 * the row stores nothing there: a binary search, as column indices increase within a row.
 */
export function findEntry(indices: Int32Array, start: number, end: number, col: number): number {
  let lo = start;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = indices[mid];
    if (c === col) return mid;
    if (c < col) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export class CsrMatrix {
  constructor(
    readonly nRows: number,
    readonly nCols: number,
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly data: Float64Array,
  ) {
    if (indptr.length !== nRows + 1) throw new InvalidInputError(`indptr must have nRows + 1 = ${nRows + 1} entries (got ${indptr.length})`);
    if (indices.length !== data.length || indptr[nRows] !== data.length) {
      throw new InvalidInputError("indices, data and indptr[nRows] must agree on the number of stored entries");
    }
  }

  get shape(): [number, number] {
    return [this.nRows, this.nCols];
  }

  /** Number of stored entries. */
  get nnz(): number {
    return this.data.length;
  }

  get(row: number, col: number): number {
    const k = findEntry(this.indices, this.indptr[row], this.indptr[row + 1], col);
    return k < 0 ? 0 : this.data[k];
  }

  /** Views (not copies) of one row's column indices and values. */
  row(i: number): { indices: Int32Array; data: Float64Array } {
    const [a, b] = [this.indptr[i], this.indptr[i + 1]];
    return { indices: this.indices.subarray(a, b), data: this.data.subarray(a, b) };
  }

  /** The rows at `rows`, in that order, as a new matrix. */
  selectRows(rows: readonly number[]): CsrMatrix {
    const indptr = new Int32Array(rows.length + 1);
    rows.forEach((r, i) => (indptr[i + 1] = indptr[i] + this.indptr[r + 1] - this.indptr[r]));
    const indices = new Int32Array(indptr[rows.length]);
    const data = new Float64Array(indptr[rows.length]);
    rows.forEach((r, i) => {
      indices.set(this.indices.subarray(this.indptr[r], this.indptr[r + 1]), indptr[i]);
      data.set(this.data.subarray(this.indptr[r], this.indptr[r + 1]), indptr[i]);
    });
    return new CsrMatrix(rows.length, this.nCols, indptr, indices, data);
  }

  toDense(): number[][] {
    return Array.from({ length: this.nRows }, (_, i) => {
      const out = new Array<number>(this.nCols).fill(0);
      for (let k = this.indptr[i]; k < this.indptr[i + 1]; k++) out[this.indices[k]] = this.data[k];
      return out;
    });
  }

  static fromDense(rows: readonly (readonly number[])[]): CsrMatrix {
    const nCols = rows.length ? rows[0].length : 0;
    const builder = new CsrBuilder(nCols);
    for (const r of rows) {
      if (r.length !== nCols) throw new InvalidInputError(`every row must have ${nCols} columns like the first`);
      builder.addRow(r.flatMap((v, j) => (v !== 0 ? [j] : [])), r.filter((v) => v !== 0));
    }
    return builder.build();
  }
}

/** Grows a CsrMatrix row by row without knowing the number of entries in advance. */
export class CsrBuilder {
  private indptr: number[] = [0];
  private indices: number[] = [];
  private data: number[] = [];

  constructor(private readonly nCols: number) {}

  /** Columns must be increasing. */
  addRow(cols: ArrayLike<number>, values: ArrayLike<number>): void {
    for (let k = 0; k < cols.length; k++) {
      this.indices.push(cols[k]);
      this.data.push(values[k]);
    }
    this.indptr.push(this.indices.length);
  }

  build(): CsrMatrix {
    return new CsrMatrix(this.indptr.length - 1, this.nCols, Int32Array.from(this.indptr), Int32Array.from(this.indices), Float64Array.from(this.data));
  }
}
