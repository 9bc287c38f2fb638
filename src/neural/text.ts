// A text classifier over token ids: embedding → mean or max pooling over the words → dense layers →
// softmax (or sigmoid for multi-label). Give it raw strings (it builds a Tokenizer in fit) or rows of
// token ids you made yourself (0 = padding; then say vocabularySize).
import type * as TF from "@tensorflow/tfjs";
import { InvalidInputError } from "../errors";
import { checkNumber } from "../models/input";
import { readSerialized, registerModel, type SerializedModel } from "../models/serialize";
import { tfjs } from "./backend";
import { type InputSource, NEURAL_DEFAULTS, NeuralClassifier, type NeuralParams } from "./classifier";
import type { Architecture, Pooling } from "./network";
import { Tokenizer, type TokenizerParams } from "./tokenizer";

export interface TextClassifierParams extends NeuralParams {
  embeddingDim: number;
  pooling: Pooling;
  /** How raw strings become ids (ignored when you pass ids). */
  tokenizer: Partial<TokenizerParams>;
  /** For pre-tokenised input: ids are in [0, vocabularySize); null when you pass strings. */
  vocabularySize: number | null;
}

export const TEXT_DEFAULTS: TextClassifierParams = {
  ...NEURAL_DEFAULTS,
  hiddenLayers: [],
  learningRate: 1e-2,
  batchSize: 32,
  epochs: 30,
  alpha: 0,
  embeddingDim: 32,
  pooling: "mean",
  tokenizer: {},
  vocabularySize: null,
};

/** Raw documents, or token-id rows (any lengths; padded to the longest with 0). */
export type TextInput = readonly string[] | readonly (ArrayLike<number>)[];

export class TextClassifier extends NeuralClassifier<TextInput, TextClassifierParams> {
  private tokenizer: Tokenizer | null = null;
  private vocabSize = 0;

  constructor(params: Partial<TextClassifierParams> = {}) {
    super(TEXT_DEFAULTS, params);
    checkNumber("embeddingDim", this.p.embeddingDim, { min: 1, integer: true });
    checkNumber("vocabularySize", this.p.vocabularySize, { min: 2, integer: true, nullable: true });
    if (this.p.pooling !== "mean" && this.p.pooling !== "max") throw new InvalidInputError(`unknown pooling ${JSON.stringify(this.p.pooling)}: use "mean" or "max"`);
    new Tokenizer(this.p.tokenizer); // checks the tokenizer settings now rather than at fit
  }

  get model(): string {
    return "TextClassifier";
  }

  /** The vocabulary built in fit (null when fitted on token ids). */
  get vocabulary(): Tokenizer | null {
    this.state;
    return this.tokenizer;
  }

  protected countRows(X: TextInput): number {
    if (!Array.isArray(X)) throw new InvalidInputError("X must be an array of texts or of token-id rows");
    return X.length;
  }

  protected subset(X: TextInput, rows: number[]): TextInput {
    return rows.map((i) => X[i]) as TextInput;
  }

  protected inputs(X: TextInput, fitting: boolean): InputSource {
    const tf = tfjs();
    const n = this.countRows(X);
    if (n === 0) throw new InvalidInputError("X is empty: give at least one text");
    let ids: ArrayLike<number>[];
    if (typeof X[0] === "string") {
      if (fitting) this.tokenizer = new Tokenizer(this.p.tokenizer).fit(X as string[]);
      if (!this.tokenizer) throw new InvalidInputError("this TextClassifier was fitted on token ids, so predict needs token ids too (not strings)");
      ids = this.tokenizer.transform(X as string[]);
      if (fitting) this.vocabSize = this.tokenizer.vocabularySize;
    } else {
      if (fitting) {
        if (this.p.vocabularySize === null) throw new InvalidInputError("for token-id input set vocabularySize (largest id + 1), or pass the raw strings and let the model build a vocabulary");
        this.tokenizer = null;
        this.vocabSize = this.p.vocabularySize;
      } else if (this.tokenizer) {
        throw new InvalidInputError("this TextClassifier was fitted on strings (it owns a vocabulary): pass strings to predict");
      }
      ids = X as ArrayLike<number>[];
      ids.forEach((row, i) => {
        if (row == null || typeof row.length !== "number") throw new InvalidInputError(`X[${i}] is not a row of token ids`);
        for (let j = 0; j < row.length; j++) {
          const v = row[j];
          if (!Number.isInteger(v) || v < 0 || v >= this.vocabSize) throw new InvalidInputError(`X[${i}][${j}] is ${v}: token ids must be whole numbers in [0, ${this.vocabSize}) (0 pads)`);
        }
      });
    }
    const width = Math.max(1, ...ids.map((r) => r.length));
    return {
      nRows: n,
      batch(rows: Int32Array): TF.Tensor {
        const out = new Int32Array(rows.length * width);
        rows.forEach((r, i) => out.set(ids[r], i * width));
        return tf.tensor2d(out, [rows.length, width], "int32");
      },
    };
  }

  protected architecture(outputs: number): Architecture {
    const p = this.p;
    return { inputs: this.vocabSize, embedding: { dim: p.embeddingDim, pooling: p.pooling }, hidden: p.hiddenLayers, activation: p.activation, dropout: p.dropout, outputs };
  }

  protected inputState(): unknown {
    return { vocabSize: this.vocabSize, tokenizer: this.tokenizer?.toJSON() ?? null };
  }

  protected restoreInputState(state: unknown): void {
    const s = state as { vocabSize: number; tokenizer: ReturnType<Tokenizer["toJSON"]> | null };
    this.vocabSize = s.vocabSize;
    this.tokenizer = s.tokenizer ? Tokenizer.fromJSON(s.tokenizer) : null;
  }

  static fromJSON(json: unknown): TextClassifier {
    const saved = readSerialized<TextClassifierParams, unknown>(json, "TextClassifier");
    return new TextClassifier(saved.params).restoreSaved(saved as SerializedModel<TextClassifierParams, any>);
  }
}

registerModel("TextClassifier", (json) => TextClassifier.fromJSON(json));
