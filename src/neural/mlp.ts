// A multi-layer perceptron classifier on tfjs: dense ReLU layers with dropout, softmax for one label
// per sample, sigmoid outputs for multi-label targets. Takes dense rows or a CsrMatrix (densified a
// batch at a time, so TF-IDF features never become one huge dense matrix).
import type * as TF from "@tensorflow/tfjs";
import { InvalidInputError } from "../errors";
import { CsrMatrix } from "../features/sparse";
import { type Features, countRows, toDense, checkSparse } from "../models/input";
import { readSerialized, registerModel, type SerializedModel } from "../models/serialize";
import { tfjs } from "./backend";
import { type InputSource, NEURAL_DEFAULTS, NeuralClassifier, type NeuralParams } from "./classifier";
import type { Architecture } from "./network";

export type MLPClassifierParams = NeuralParams;

export class MLPClassifier extends NeuralClassifier<Features, MLPClassifierParams> {
  private nFeatures: number | undefined;

  constructor(params: Partial<MLPClassifierParams> = {}) {
    super(NEURAL_DEFAULTS, params);
  }

  get model(): string {
    return "MLPClassifier";
  }

  protected countRows(X: Features): number {
    return countRows(X);
  }

  protected subset(X: Features, rows: number[]): Features {
    if (X instanceof CsrMatrix) return X.selectRows(rows);
    return rows.map((i) => X[i]);
  }

  protected inputs(X: Features, fitting: boolean): InputSource {
    const tf = tfjs();
    const expected = fitting ? undefined : this.nFeatures;
    if (!fitting && expected === undefined) throw new InvalidInputError(`this ${this.model} is not fitted yet: call fit(X, y) first`);
    if (X instanceof CsrMatrix) {
      const m = checkSparse(X, { nFeatures: expected, model: this.model });
      if (fitting) this.nFeatures = m.nCols;
      return {
        nRows: m.nRows,
        batch(rows: Int32Array): TF.Tensor {
          const out = new Float32Array(rows.length * m.nCols);
          rows.forEach((r, i) => {
            for (let k = m.indptr[r]; k < m.indptr[r + 1]; k++) out[i * m.nCols + m.indices[k]] = m.data[k];
          });
          return tf.tensor2d(out, [rows.length, m.nCols]);
        },
      };
    }
    const d = toDense(X, { nFeatures: expected, model: this.model });
    if (fitting) this.nFeatures = d.nCols;
    const data = Float32Array.from(d.data);
    return {
      nRows: d.nRows,
      batch(rows: Int32Array): TF.Tensor {
        const out = new Float32Array(rows.length * d.nCols);
        rows.forEach((r, i) => out.set(data.subarray(r * d.nCols, (r + 1) * d.nCols), i * d.nCols));
        return tf.tensor2d(out, [rows.length, d.nCols]);
      },
    };
  }

  protected architecture(outputs: number): Architecture {
    return { inputs: this.nFeatures!, hidden: this.p.hiddenLayers, activation: this.p.activation, dropout: this.p.dropout, outputs };
  }

  protected inputState(): unknown {
    return { nFeatures: this.nFeatures };
  }

  protected restoreInputState(state: unknown): void {
    this.nFeatures = (state as { nFeatures: number }).nFeatures;
  }

  static fromJSON(json: unknown): MLPClassifier {
    const saved = readSerialized<MLPClassifierParams, unknown>(json, "MLPClassifier");
    return new MLPClassifier(saved.params).restoreSaved(saved as SerializedModel<MLPClassifierParams, any>);
  }
}

/** Some rows of a CSR matrix, as a new CSR matrix. */
registerModel("MLPClassifier", (json) => MLPClassifier.fromJSON(json));
