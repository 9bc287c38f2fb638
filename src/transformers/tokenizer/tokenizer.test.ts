// The tokenizer against Hugging Face `tokenizers` on all-MiniLM-L6-v2's tokenizer.json: every Brown
// passage and edge cases (fixtures: tests/fixtures/make_transformer_fixtures.py), then each stage alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { loadBrown } from "../../data";
import { resolveModel } from "../pretrained";
import { PretrainedTokenizer, TokenizerFileError, aligned, bertPreTokenizer, cleanText, lowercase, normalizerFrom, spaceChinese, WordPiece } from "./index";

const FIXTURE = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "..", "tests", "fixtures", "transformers", "tokenizer.json"), "utf8"));
const tokenizer = PretrainedTokenizer.fromFile(path.join(resolveModel("all-MiniLM-L6-v2"), "tokenizer.json"));
const hash = (ids: number[]) => createHash("sha1").update(ids.join(",")).digest("hex").slice(0, 16);

test("ids equal Hugging Face tokenizers' on every Brown passage (11,378 passages, 1.29M tokens)", async () => {
  const texts = (await loadBrown()).array("text") as string[];
  assert.equal(texts.length, FIXTURE.brown.passages);
  for (const f of FIXTURE.brown.first) assert.deepEqual(tokenizer.encode(f.text).ids, f.ids);
  let tokens = 0;
  const wrong: number[] = [];
  texts.forEach((t, i) => {
    const ids = tokenizer.encode(t).ids;
    tokens += ids.length;
    if (hash(ids) !== FIXTURE.brown.hashes[i]) wrong.push(i);
  });
  assert.deepEqual(wrong.slice(0, 5).map((i) => texts[i].slice(0, 60)), [], `${wrong.length} passages differ`);
  assert.equal(tokens, FIXTURE.brown.tokens);
});

test("edge cases equal Hugging Face's: ids, tokens, offsets, type ids, masks", () => {
  for (const f of FIXTURE.edge) {
    const e = tokenizer.encode(f.text);
    const label = JSON.stringify(f.text.slice(0, 40));
    assert.deepEqual(e.ids, f.ids, label);
    assert.deepEqual(e.tokens, f.tokens, label);
    assert.deepEqual(e.offsets, f.offsets, label);
    assert.deepEqual(e.typeIds, f.typeIds, label);
    assert.deepEqual(e.attentionMask, f.attentionMask, label);
  }
  // The cases the issue names are among them.
  const texts = FIXTURE.edge.map((f: any) => f.text);
  for (const needle of ["", "é", "中", "😀", "\u0000", "c".repeat(101), "[CLS] literal"]) assert.ok(texts.some((t: string) => t.includes(needle)), needle);
});

test("sentence pairs, truncation and padding equal Hugging Face's", () => {
  for (const f of FIXTURE.pairs) {
    const e = tokenizer.encode(f.text, { pair: f.pair });
    assert.deepEqual([e.ids, e.typeIds, e.offsets], [f.ids, f.typeIds, f.offsets], f.text);
  }
  for (const f of FIXTURE.truncated) {
    const e = tokenizer.encode(f.text, { maxLength: f.maxLength, pair: f.pair });
    assert.deepEqual([e.ids, e.typeIds], [f.ids, f.typeIds], `${f.text} at ${f.maxLength}`);
    assert.ok(e.ids.length <= f.maxLength);
    assert.equal(e.truncated, tokenizer.encode(f.text, { pair: f.pair }).ids.length - e.ids.length, "the cut is counted");
  }
  const padded = tokenizer.encodeBatch(FIXTURE.padded.map((f: any) => f.text));
  FIXTURE.padded.forEach((f: any, i: number) => {
    assert.deepEqual(padded[i].ids, f.ids);
    assert.deepEqual(padded[i].attentionMask, f.attentionMask);
  });
  assert.deepEqual(tokenizer.encodeBatch(["a", "b c"], { maxLength: 6, padding: "maxLength" }).map((e) => e.ids.length), [6, 6]);
  assert.throws(() => tokenizer.encode("x", { maxLength: 1 }), /special tokens alone take 2/);
  assert.throws(() => tokenizer.encode(42 as any), /takes text \(a string\), got number/);
});

test("decode joins word pieces back and drops special tokens", () => {
  assert.equal(tokenizer.decode(tokenizer.encode("The antidisestablishmentarianism debate, again!").ids), "the antidisestablishmentarianism debate, again!");
});

test("each stage alone: normalizer, pre-tokenizer, WordPiece", () => {
  const text = (chars: { c: string }[]) => chars.map((c) => c.c).join("");
  assert.equal(text(cleanText(aligned("a\u0000b\u200bc\td\u00a0e"))), "abc d e");
  assert.equal(text(spaceChinese(aligned("ab中c"))), "ab 中 c");
  assert.equal(text(lowercase(aligned("ΣΑΣ İ"))), "σασ i̇", "per code point: no final-sigma rule");
  const bert = normalizerFrom({ type: "BertNormalizer", lowercase: true });
  const n = bert(aligned("Café"));
  assert.equal(text(n), "cafe");
  assert.deepEqual(n.map((c) => c.o), [0, 1, 2, 3], "é's e still points at é");
  assert.equal(text(normalizerFrom({ type: "BertNormalizer", lowercase: false, strip_accents: false })(aligned("Café"))), "Café");
  assert.deepEqual(bertPreTokenizer(aligned("don't stop$now")).map(text), ["don", "'", "t", "stop", "$", "now"]);
  const wp = new WordPiece(new Map([["[UNK]", 0], ["un", 1], ["##aff", 2], ["##able", 3]]), "[UNK]", "##", 10);
  assert.deepEqual(wp.tokenize(aligned("unaffable")).map((t) => t.token), ["un", "##aff", "##able"]);
  assert.deepEqual(wp.tokenize(aligned("unknown")).map((t) => t.token), ["[UNK]"]);
  assert.deepEqual(wp.tokenize(aligned("unaffableun")).map((t) => t.token), ["[UNK]"], "over 10 characters");
});

test("a tokenizer.json modelbench cannot read says so", () => {
  assert.throws(() => PretrainedTokenizer.fromJSON({ model: { type: "BPE", vocab: {} } }), /"BPE" model; modelbench reads WordPiece/);
  assert.throws(() => PretrainedTokenizer.fromJSON({}), TokenizerFileError);
  assert.throws(() => PretrainedTokenizer.fromFile("/nonexistent/tokenizer.json"), /cannot read the tokenizer/);
  assert.throws(() => PretrainedTokenizer.fromJSON({ model: { type: "WordPiece", vocab: { a: 0 } } }), /no unknown token "\[UNK\]"/);
  assert.throws(() => normalizerFrom({ type: "Precompiled" }), /normalizer type "Precompiled"/);
});
