import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidInputError, NotFittedError } from "../errors";
import { MIME } from "../display";
import { KeywordRuleClassifier, RuleSyntaxError, parseRules } from "./rules";

const texts = [
  "The space ship drifted past the moon.",
  "She fell in love on a rainy day.",
  "A ship in the harbour, love in the air.",
  "The detective found the body at dawn.",
  "Spaceships and lovers: outer space is lonely.",
];
const y = ["science_fiction", "romance", "romance", "mystery", "science_fiction"];
const table = [
  { when: ["space", "ship"], then: "science_fiction" },
  { when: ["love"], then: "romance" },
  { any: ["detective", "murder"], then: "mystery" },
];

test("first match: AND needs every word, OR one of them, no match gives the commonest label", () => {
  const clf = new KeywordRuleClassifier({ rules: table }).fit(texts, y);
  // Words match whole words: "Spaceships" is not "space" + "ship", "lovers" is not "love".
  assert.deepEqual(clf.predict(texts), ["science_fiction", "romance", "romance", "mystery", "romance"]);
  assert.deepEqual(clf.classes, ["mystery", "romance", "science_fiction"]);
  // romance and science_fiction both occur twice: the tie goes to the smaller label, as most_frequent does.
  assert.equal(clf.defaultLabel, "romance");
  assert.deepEqual(clf.predictProba(["a detective"]), [[1, 0, 0]]);
});

test("a trailing * matches any ending and phrases match consecutive words", () => {
  const clf = new KeywordRuleClassifier({ rules: '"outer space" -> science_fiction\nlove* -> romance', default: "mystery" }).fit(texts, y);
  assert.deepEqual(clf.predict(["lovers in outer space", "Lovely day", "outer and space"]), ["science_fiction", "romance", "mystery"]);
});

test("vote picks the label most rules name; ties go to the earlier rule", () => {
  const rules = [
    { when: ["ship"], then: "science_fiction" },
    { when: ["love"], then: "romance" },
    { when: ["kiss"], then: "romance" },
  ];
  const first = new KeywordRuleClassifier({ rules }).fit(texts, y);
  const vote = new KeywordRuleClassifier({ rules, decision: "vote" }).fit(texts, y);
  const t = ["a ship, a love, a kiss", "a ship and love"];
  assert.deepEqual(first.predict(t), ["science_fiction", "science_fiction"]);
  assert.deepEqual(vote.predict(t), ["romance", "science_fiction"]);
  const e = vote.explain(t[0]);
  assert.deepEqual(e.fired.map((f) => f.rule), [1, 2, 3]);
  assert.deepEqual(e.decidedBy, [2, 3]);
  assert.match(e.summary, /2 of 3/);
});

test("multi-label mode adds every matching rule's label; no match is an empty set unless a default is given", () => {
  const ys = [["science_fiction"], ["romance"], ["romance", "science_fiction"], ["mystery"], []];
  const clf = new KeywordRuleClassifier({ rules: 'ship -> science_fiction\n"love" -> romance', multiLabel: true }).fit(texts, ys);
  assert.deepEqual(clf.predictSets(texts), [["science_fiction"], ["romance"], ["romance", "science_fiction"], [], []]);
  assert.deepEqual(clf.predictProba([texts[2]]), [[0, 1, 1]]);
  const withDefault = new KeywordRuleClassifier({ rules: table, multiLabel: true, default: "mystery" }).fit(texts, ys);
  assert.deepEqual(withDefault.predictSets(["nothing here"]), [["mystery"]]);
  assert.throws(() => clf.predict(texts), /predictSets/);
  assert.throws(() => new KeywordRuleClassifier({ rules: table }).fit(texts, ys), /multiLabel: true/);
});

test("explain names the rule and the words that fired", () => {
  const clf = new KeywordRuleClassifier({ rules: table }).fit(texts, y);
  const e = clf.explain("A space ship with a love story");
  assert.equal(e.prediction, "science_fiction");
  assert.deepEqual(e.decidedBy, [1]);
  assert.deepEqual(e.fired.map((f) => [f.rule, f.matched]), [[1, ["space", "ship"]], [2, ["love"]]]);
  assert.match(e.summary, /rule 1 \("space" & "ship" -> science_fiction\)/);
  const none = clf.explain("nothing");
  assert.equal(none.usedDefault, true);
  assert.equal(none.prediction, "romance");
});

test("the text syntax reads & (all), | (any) and one ( | ) group beside &", () => {
  assert.deepEqual(parseRules('"space" & "ship" -> science_fiction  # a comment\n\nlove | kiss -> romance\ngun & (murder | body) -> "crime story"'), [
    { when: ["space", "ship"], then: "science_fiction" },
    { any: ["love", "kiss"], then: "romance" },
    { when: ["gun"], any: ["murder", "body"], then: "crime story" },
  ]);
  const clf = new KeywordRuleClassifier({ rules: "gun & (murder | body) -> mystery" }).fit(["x", "y", "z"], ["mystery", "romance", "romance"]);
  assert.deepEqual(clf.predict(["a gun and a body", "a gun", "a body", "murder, gun"]), ["mystery", "romance", "romance", "mystery"]);
  assert.deepEqual(clf.params().rules, [{ when: ["gun"], any: ["murder", "body"], then: "mystery" }]);
});

test("syntax errors say which line and how to write a rule", () => {
  assert.throws(() => parseRules('"space" & "ship" science_fiction'), (e: Error) => e instanceof RuleSyntaxError && /line 1.*no `->`/.test(e.message));
  assert.throws(() => parseRules("a & b | c -> x"), /mixed; group the alternatives/);
  assert.throws(() => parseRules('ok -> y\n"open -> x'), /line 2.*never closed/);
  assert.throws(() => parseRules("a & -> x"), /missing after &/);
  assert.throws(() => parseRules("a ->"), /no label/);
  assert.throws(() => parseRules("# only a comment"), /no rules/);
});

test("bad rules, labels and inputs get clear errors", () => {
  assert.throws(() => new KeywordRuleClassifier({ rules: [] }), /no rules given/);
  assert.throws(() => new KeywordRuleClassifier({ rules: [{ when: [], then: "x" }] }), /rule 1 has no keywords/);
  assert.throws(() => new KeywordRuleClassifier({ rules: [{ when: ["a"], then: "" }] }), /then is empty/);
  assert.throws(() => new KeywordRuleClassifier({ rules: table, decision: "best" as "vote" }), /decision/);
  const clf = new KeywordRuleClassifier({ rules: [{ when: ["ship"], then: "scifi" }] });
  assert.throws(() => clf.predict(texts), NotFittedError);
  assert.throws(() => clf.fit(texts, y), (e: Error) => e instanceof InvalidInputError && /rule 1 .*"scifi".*never occurs in y/.test(e.message));
  const ok = new KeywordRuleClassifier({ rules: table }).fit(texts, y);
  assert.throws(() => ok.predict(["fine", 3 as unknown as string]), /X\[1\] is number.*array of strings/);
  assert.throws(() => ok.fit(texts, y.slice(1)), /5 texts but y has 4/);
});

test("a rule model shows its rules, how it decides and its default", () => {
  const clf = new KeywordRuleClassifier({ rules: table, decision: "vote" });
  assert.match(String(clf[MIME]()["text/plain"]), /3 rules, the label most matching rules name; no match: the commonest label \(learned in fit\) \(not fitted\)\n {2}1\. "space" & "ship" -> science_fiction\n {2}2\. "love" -> romance\n {2}3\. "detective" \| "murder" -> mystery/);
  clf.fit(texts, y);
  assert.match(String(clf[MIME]()["text/plain"]), /no match: "romance"\n/);
  assert.match(String(clf[MIME]()["text/html"]), /<li><code>&quot;space&quot; &amp; &quot;ship&quot; -&gt; science_fiction<\/code><\/li>/);
});
