// One column of 0/1 per category, as scikit-learn's OneHotEncoder: categories are each column's
// distinct values sorted (numbers ascending, strings by code point), and a value not seen in fit
// either raises or (handleUnknown "ignore") encodes as all zeros.
import { InvalidInputError, NotFittedError, checkOption } from "../errors";
import { type Label, labelIndex, uniqueLabels } from "../labels";
import type { Transformer } from "../models/estimator";
import { CsrBuilder, type CsrMatrix } from "./sparse";
import { checkWidth, tableWidth } from "./tables";

export interface OneHotEncoderParams {
  /** "auto" learns each column's categories in fit; or give them per column. */
  categories: "auto" | readonly (readonly Label[])[];
  handleUnknown: "error" | "ignore";
  /**
   * true returns a CsrMatrix (scikit-learn's default); false, the default here, returns plain
   * number[][] rows, which notebooks and small tables are easier to work with.
   */
  sparseOutput: boolean;
}

type Table = readonly (readonly Label[])[];

export class OneHotEncoder implements Transformer<Table, number[][] | CsrMatrix, OneHotEncoderParams> {
  private readonly p: OneHotEncoderParams;
  private fitted: { categories: Label[][]; index: Map<Label, number>[]; offsets: number[] } | undefined;

  constructor(params: Partial<OneHotEncoderParams> = {}) {
    this.p = { categories: "auto", handleUnknown: "error", sparseOutput: false, ...params };
    checkOption("handleUnknown", this.p.handleUnknown, ["error", "ignore"]);
  }

  params(): OneHotEncoderParams {
    return { ...this.p };
  }

  private get state() {
    if (!this.fitted) throw new NotFittedError("OneHotEncoder");
    return this.fitted;
  }

  /** Each input column's categories, in output-column order. */
  get categories(): readonly (readonly Label[])[] {
    return this.state.categories;
  }

  fit(X: Table): this {
    const width = tableWidth(X, "OneHotEncoder");
    const categories = Array.from({ length: width }, (_, j) => {
      const column = X.map((row) => row[j]);
      const found = uniqueLabels(column, `column ${j}`);
      if (this.p.categories === "auto") return found;
      const given = this.p.categories[j];
      if (!given) throw new InvalidInputError(`categories lists ${this.p.categories.length} columns but X has ${width}`);
      const known = new Set(given);
      const unknown = found.filter((v) => !known.has(v));
      if (unknown.length && this.p.handleUnknown === "error") {
        throw new InvalidInputError(`Found unknown categories ${JSON.stringify(unknown)} in column ${j} during fit: add them to categories`);
      }
      return [...given];
    });
    const offsets: number[] = [];
    let total = 0;
    for (const c of categories) offsets.push(total), (total += c.length);
    this.fitted = { categories, index: categories.map((c) => labelIndex(c)), offsets };
    return this;
  }

  transform(X: Table): number[][] | CsrMatrix {
    const { categories, index, offsets } = this.state;
    checkWidth(tableWidth(X, "OneHotEncoder"), categories.length, "OneHotEncoder");
    const nOut = offsets[offsets.length - 1] + categories[categories.length - 1].length;
    if (this.p.handleUnknown === "error") {
      for (let j = 0; j < categories.length; j++) {
        const unknown = [...new Set(X.map((row) => row[j]).filter((v) => !index[j].has(v)))];
        if (unknown.length) {
          throw new InvalidInputError(
            `Found unknown categories ${JSON.stringify(unknown)} in column ${j} during transform: fit on data that has them, or pass handleUnknown: "ignore" to encode them as all zeros`,
          );
        }
      }
    }
    const builder = new CsrBuilder(nOut);
    for (const row of X) {
      const cols: number[] = [];
      row.forEach((v, j) => {
        const k = index[j].get(v);
        if (k !== undefined) cols.push(offsets[j] + k);
      });
      builder.addRow(cols, cols.map(() => 1));
    }
    const out = builder.build();
    return this.p.sparseOutput ? out : out.toDense();
  }

  fitTransform(X: Table): number[][] | CsrMatrix {
    return this.fit(X).transform(X);
  }

  /** "<feature>_<category>" per output column; features default to x0, x1, … */
  getFeatureNamesOut(inputFeatures?: readonly string[]): string[] {
    const { categories } = this.state;
    if (inputFeatures && inputFeatures.length !== categories.length) {
      throw new InvalidInputError(`${inputFeatures.length} feature names for ${categories.length} columns: give one name per input column`);
    }
    return categories.flatMap((cats, j) => cats.map((c) => `${inputFeatures ? inputFeatures[j] : `x${j}`}_${c}`));
  }
}
