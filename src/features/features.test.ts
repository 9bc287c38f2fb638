import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, assertClose } from "../../tests/fixtures/sklearn";
import { InvalidInputError, NotFittedError } from "../errors";
import { CsrMatrix, ENGLISH_STOP_WORDS, OneHotEncoder, StandardScaler, TfidfVectorizer } from "./index";

const fx = loadFixture("features");

function assertCsr(got: CsrMatrix, expected: any, where: string): void {
  assert.deepEqual(got.shape, expected.shape, `${where}: shape`);
  assert.deepEqual(Array.from(got.indptr), expected.indptr, `${where}: indptr`);
  assert.deepEqual(Array.from(got.indices), expected.indices, `${where}: indices`);
  assertClose(Array.from(got.data), expected.data, `${where}: data`);
}

test("the embedded English stop words are scikit-learn's list", () => {
  assert.deepEqual([...ENGLISH_STOP_WORDS].sort(), fx.english_stop_words);
});

for (const c of fx.cases) {
  test(`TfidfVectorizer matches sklearn: ${c.name}`, () => {
    const [fitDocs, otherDocs] = c.fit_on === "new_docs" ? [fx.new_docs, fx.fit_docs] : [fx.fit_docs, fx.new_docs];
    const v = new TfidfVectorizer(c.params);
    const fitted = v.fitTransform(fitDocs);
    assert.deepEqual(v.getFeatureNamesOut(), c.feature_names);
    if (c.idf === null) assert.equal(v.idf, null);
    else assertClose(Array.from(v.idf!), c.idf, "idf");
    assertCsr(fitted, c.fit_transform, "fitTransform");
    assertCsr(v.transform(otherDocs), c.transform, "transform");
    // fit then transform is the same as fitTransform.
    assertCsr(new TfidfVectorizer(c.params).fit(fitDocs).transform(fitDocs), c.fit_transform, "fit + transform");
  });
}

test("TfidfVectorizer refuses what sklearn refuses, saying what to change", () => {
  assert.ok(fx.errors["min_df above max_df"].error);
  assert.throws(() => new TfidfVectorizer({ minDf: 10, maxDf: 5 }).fit(fx.fit_docs), /raise maxDf or lower minDf/);
  assert.ok(fx.errors["only stop words"].error);
  assert.throws(() => new TfidfVectorizer({ stopWords: "english" }).fit(["the and of", "a an the"]), /empty vocabulary/);
  assert.throws(() => new TfidfVectorizer().fit("one document" as any), /wrap it as \[text\]/);
  assert.throws(() => new TfidfVectorizer().fit(["ok", null as any]), /document 1 is null/);
  assert.throws(() => new TfidfVectorizer({ ngramRange: [2, 1] }), /ngramRange/);
  assert.throws(() => new TfidfVectorizer({ norm: "l3" as any }), /unknown norm/);
  assert.throws(() => new TfidfVectorizer({ stopWords: "french" as any }), /unknown stopWords/);
  assert.throws(() => new TfidfVectorizer({ minDf: 1.5 }).fit(["aa bb"]), /neither a whole count nor a proportion/);
  assert.throws(() => new TfidfVectorizer({ minDf: 2 }).fit(["aa bb", "cc dd"]), /no terms remain/);
  assert.throws(() => new TfidfVectorizer().transform(["x"]), NotFittedError);
  assert.throws(() => new TfidfVectorizer().fit([]), InvalidInputError);
});

test("document-frequency bounds: whole numbers count documents, fractions and { proportion } are shares", () => {
  const docs = ["aa bb", "aa cc", "aa dd"];
  assert.deepEqual(new TfidfVectorizer({ maxDf: 1 }).fit(docs).getFeatureNamesOut(), ["bb", "cc", "dd"]);
  assert.deepEqual(new TfidfVectorizer({ maxDf: { proportion: 1 } }).fit(docs).getFeatureNamesOut(), ["aa", "bb", "cc", "dd"]);
  assert.deepEqual(new TfidfVectorizer({ minDf: { count: 2 } }).fit(docs).getFeatureNamesOut(), ["aa"]);
  assert.deepEqual(new TfidfVectorizer({ maxDf: 0.5 }).fit(docs).getFeatureNamesOut(), ["bb", "cc", "dd"]);
});

test("CsrMatrix lookups agree with its dense form", () => {
  const dense = [
    [0, 1.5, 0],
    [0, 0, 0],
    [2, 0, -3],
  ];
  const m = CsrMatrix.fromDense(dense);
  assert.equal(m.nnz, 3);
  assert.deepEqual(m.toDense(), dense);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(m.get(i, j), dense[i][j]);
  assert.deepEqual(Array.from(m.row(2).indices), [0, 2]);
  assert.throws(() => new CsrMatrix(2, 2, Int32Array.of(0, 1), Int32Array.of(0), Float64Array.of(1)), /indptr/);
});

const nullable = (a: Float64Array | null) => (a === null ? null : Array.from(a));

for (const s of fx.scalers) {
  test(`StandardScaler matches sklearn: ${s.name}`, () => {
    const scaler = new StandardScaler(s.params).fit(s.fit_X.map((r: unknown[]) => r.map((v) => (v === "NaN" ? NaN : v))));
    assertClose(nullable(scaler.mean), s.mean, "mean");
    assertClose(nullable(scaler.variance), s.var, "var");
    assertClose(nullable(scaler.scale), s.scale, "scale");
    const X = s.X.map((r: unknown[]) => r.map((v) => (v === "NaN" ? NaN : v)));
    const out = scaler.transform(X);
    assertClose(out, s.transform, "transform");
    assertClose(scaler.inverseTransform(out), s.inverse, "inverse");
  });
}

test("StandardScaler refuses bad tables clearly", () => {
  assert.throws(() => new StandardScaler().fit([]), /no rows/);
  assert.throws(() => new StandardScaler().fit([[1, 2], [3]]), /row 1 has 1 columns/);
  assert.throws(() => new StandardScaler().fit([[1, "a" as any]]), /needs numbers/);
  assert.throws(() => new StandardScaler().fit([[1, 2]]).transform([[1, 2, 3]]), /X has 3 features, but StandardScaler was fitted with 2/);
  assert.throws(() => new StandardScaler().transform([[1]]), NotFittedError);
  assert.deepEqual(new StandardScaler({ withStd: false }).params(), { withMean: true, withStd: false });
});

test("OneHotEncoder matches sklearn: categories, names, ignore and error on unknowns", () => {
  const o = fx.one_hot;
  const enc = new OneHotEncoder({ handleUnknown: "ignore" }).fit(o.fit_rows);
  assert.deepEqual(enc.categories, o.categories);
  assert.deepEqual(enc.getFeatureNamesOut(["species", "sepal_cm", "petal"]), o.feature_names);
  assert.deepEqual(enc.getFeatureNamesOut(), o.feature_names_default);
  assert.deepEqual(enc.transform(o.fit_rows), o.fit_transform);
  assert.deepEqual(enc.transform(o.new_rows), o.transform_ignore);
  const sparse = new OneHotEncoder({ handleUnknown: "ignore", sparseOutput: true }).fit(o.fit_rows).transform(o.new_rows) as CsrMatrix;
  assert.deepEqual(sparse.toDense(), o.transform_ignore);
  assert.match(o.unknown_error, /Found unknown categories \['virginica'\] in column 0 during transform/);
  assert.throws(() => new OneHotEncoder().fit(o.fit_rows).transform(o.new_rows), /Found unknown categories \["virginica"\] in column 0 during transform: .*handleUnknown/);
  assert.throws(() => new OneHotEncoder().fit([["a", 1], [2, 1]]), /mixes string and number labels/);
  assert.throws(() => new OneHotEncoder({ handleUnknown: "skip" as any }), /unknown handleUnknown/);
});
