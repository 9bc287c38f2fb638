// A keyword-rule classifier: the hand-written heuristic a domain expert would try first
// ("space" & "ship" → science_fiction). Rules come as a readable table or a small text syntax;
// fit learns only the label set and the default, so the rules are the whole model.
import { MIME, type MimeBundle } from "../display";
import { escapeHtml } from "../display/html";
import { InvalidInputError, NotFittedError, checkOption } from "../errors";
import { type Label, checkLabelKinds, compareLabels, uniqueLabels } from "../labels";
import { type Classifier, type Samples, countSamples } from "../models/estimator";

/**
 * One rule. `when` words must all occur (AND); of `any`, at least one must (OR). Give either or
 * both. A keyword is a word or a phrase ("outer space"); a trailing `*` matches any ending ("love*").
 */
export interface KeywordRule {
  when?: string | readonly string[];
  any?: readonly string[];
  then: Label;
}

export type RuleDecision = "first" | "vote";

export interface KeywordRuleParams {
  /** A rule table, or text with one rule a line: `"space" & "ship" -> science_fiction`. */
  rules: readonly KeywordRule[] | string;
  /** first: the first rule that matches decides; vote: the label most matching rules name (ties: the earlier rule). */
  decision: RuleDecision;
  /** Every matching rule adds its label: predict returns a label set per text. */
  multiLabel: boolean;
  /** The label when no rule matches; null: the commonest label in fit's y (an empty set in multi-label mode). */
  default: Label | null;
  caseSensitive: boolean;
}

/** A rule in its checked form: `all` AND-ed, then at least one of `any` (when given). */
export interface CompiledRule {
  all: string[];
  any: string[];
  then: Label;
  /** The rule as text, as the syntax writes it. */
  source: string;
}

export class RuleSyntaxError extends InvalidInputError {}

const EXAMPLE = 'e.g. `"space" & "ship" -> science_fiction` or `"love" | "kiss" -> romance`';

function quote(word: string): string {
  return JSON.stringify(word);
}

export function formatRule(rule: { all: readonly string[]; any: readonly string[]; then: Label }): string {
  const any = rule.any.map(quote).join(" | ");
  const parts = [...rule.all.map(quote), ...(rule.any.length ? [rule.all.length && rule.any.length > 1 ? `(${any})` : any] : [])];
  return `${parts.join(" & ")} -> ${rule.then}`;
}

function checkKeyword(word: unknown, where: string): string {
  if (typeof word !== "string") throw new InvalidInputError(`${where}: keywords are strings, got ${JSON.stringify(word)}`);
  const w = word.trim().replace(/\s+/g, " ");
  if (!w || w === "*") throw new InvalidInputError(`${where}: a keyword is empty; write a word or a phrase such as "outer space"`);
  return w;
}

/** Checks a rule table entry by entry; errors name the rule. */
export function compileRules(rules: readonly KeywordRule[] | string): CompiledRule[] {
  const table = typeof rules === "string" ? parseRules(rules) : rules;
  if (!Array.isArray(table) || table.length === 0) {
    throw new InvalidInputError(`no rules given: pass a table such as [{ when: ["space", "ship"], then: "science_fiction" }] or text, ${EXAMPLE}`);
  }
  return table.map((r, i) => {
    const where = `rule ${i + 1}`;
    if (r == null || typeof r !== "object") throw new InvalidInputError(`${where} is ${JSON.stringify(r)}: each rule is { when: [...words], then: label }`);
    const when = r.when === undefined ? [] : typeof r.when === "string" ? [r.when] : r.when;
    if (!Array.isArray(when)) throw new InvalidInputError(`${where}: when is a word or an array of words`);
    if (r.any !== undefined && !Array.isArray(r.any)) throw new InvalidInputError(`${where}: any is an array of words (at least one must occur)`);
    const all = (when as readonly unknown[]).map((w) => checkKeyword(w, where));
    const any = ((r.any ?? []) as readonly unknown[]).map((w) => checkKeyword(w, where));
    if (!all.length && !any.length) throw new InvalidInputError(`${where} has no keywords: give when: [...] (all must occur) or any: [...] (one must)`);
    if (typeof r.then !== "string" && !(typeof r.then === "number" && Number.isFinite(r.then))) {
      throw new InvalidInputError(`${where}: then must be the label to predict (a string or number), got ${JSON.stringify(r.then)}`);
    }
    if (typeof r.then === "string" && !r.then.trim()) throw new InvalidInputError(`${where}: then is empty; name the label to predict`);
    const rule = { all, any, then: r.then };
    return { ...rule, source: formatRule(rule) };
  });
}

type Token = { kind: "word" | "&" | "|" | "(" | ")"; text: string; at: number };

/**
 * The text syntax, one rule a line: keywords (quoted, or bare words) joined by `&` (all) or `|`
 * (any), at most one parenthesised `|` group beside `&`s, then `->` and the label. `#` starts a comment.
 */
export function parseRules(text: string): KeywordRule[] {
  const rules: KeywordRule[] = [];
  text.split(/\r?\n/).forEach((raw, lineIndex) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) return;
    const fail = (what: string) => new RuleSyntaxError(`rule line ${lineIndex + 1} (${raw.trim()}): ${what}; write rules like ${EXAMPLE}`);
    const arrow = line.lastIndexOf("->");
    if (arrow < 0) throw fail("no `->` before the label");
    let label: Label = line.slice(arrow + 2).trim();
    if (!label) throw fail("no label after `->`");
    if (/^".*"$/.test(label)) label = JSON.parse(label) as string;
    const tokens = tokenizeCondition(line.slice(0, arrow), fail);
    if (!tokens.length) throw fail("no keywords before `->`");
    rules.push(conditionOf(tokens, fail, label));
  });
  if (!rules.length) throw new RuleSyntaxError(`the rule text holds no rules: write one a line, ${EXAMPLE}`);
  return rules;
}

function tokenizeCondition(s: string, fail: (what: string) => Error): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) i++;
    else if ("&|()".includes(c)) tokens.push({ kind: c as Token["kind"], text: c, at: i++ });
    else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) throw fail(`the quote at column ${i + 1} is never closed`);
      tokens.push({ kind: "word", text: s.slice(i + 1, end), at: i });
      i = end + 1;
    } else {
      const m = /^[^\s&|()"']+/.exec(s.slice(i))!;
      tokens.push({ kind: "word", text: m[0], at: i });
      i += m[0].length;
    }
  }
  return tokens;
}

function conditionOf(tokens: Token[], fail: (what: string) => Error, then: Label): KeywordRule {
  const all: string[] = [];
  let any: string[] = [];
  let topOp: "&" | "|" | null = null;
  let groups = 0;
  let i = 0;
  const expectWord = () => {
    const t = tokens[i++];
    if (!t || t.kind !== "word") throw fail(t ? `expected a keyword at '${t.text}'` : "a keyword is missing at the end");
    return t.text;
  };
  while (i < tokens.length) {
    if (tokens[i].kind === "(") {
      i++;
      if (groups++) throw fail("only one ( … | … ) group is allowed in a rule");
      const group = [expectWord()];
      while (tokens[i]?.kind === "|") {
        i++;
        group.push(expectWord());
      }
      if (tokens[i]?.kind !== ")") throw fail("a ( group is not closed with ), or it joins words with & (inside a group use |)");
      i++;
      any = group;
    } else all.push(expectWord());
    const op = tokens[i];
    if (!op) break;
    if (op.kind !== "&" && op.kind !== "|") throw fail(`expected & or | between keywords, got '${op.text}'`);
    if (topOp && op.kind !== topOp) throw fail("& and | are mixed; group the alternatives: \"a\" & (\"b\" | \"c\")");
    topOp = op.kind;
    i++;
    if (i >= tokens.length) throw fail(`a keyword is missing after ${op.kind}`);
  }
  if (topOp === "|") {
    if (groups) throw fail("a ( … ) group only makes sense beside &");
    return { any: all, then };
  }
  return any.length ? { when: all, any, then } : { when: all, then };
}

// ---------------------------------------------------------------------------------------------

interface Matcher {
  test(tokens: readonly string[]): boolean;
}

/** Words of a text: runs of letters, digits and apostrophes. */
function words(text: string, caseSensitive: boolean): string[] {
  return (caseSensitive ? text : text.toLowerCase()).match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu) ?? [];
}

function matcher(keyword: string, caseSensitive: boolean): Matcher {
  const parts = words(keyword.replace(/\*$/, ""), caseSensitive);
  const prefix = keyword.endsWith("*");
  if (!parts.length) throw new InvalidInputError(`keyword ${quote(keyword)} has no letters or digits to look for`);
  const last = parts.length - 1;
  const same = (token: string, k: number) => (k === last && prefix ? token.startsWith(parts[k]) : token === parts[k]);
  return {
    test(tokens) {
      outer: for (let i = 0; i + parts.length <= tokens.length; i++) {
        for (let k = 0; k < parts.length; k++) if (!same(tokens[i + k], k)) continue outer;
        return true;
      }
      return false;
    },
  };
}

export interface RuleFiring {
  /** 1-based, in the order given. */
  rule: number;
  source: string;
  then: Label;
  /** The keywords found in the text. */
  matched: string[];
}

export interface RuleExplanation {
  prediction: Label | Label[];
  /** Every rule that matched, in rule order. */
  fired: RuleFiring[];
  /** The rules that decided: the first match, the winning vote's rules, or all (multi-label). */
  decidedBy: number[];
  usedDefault: boolean;
  /** One readable line. */
  summary: string;
}

interface RuleState {
  classes: Label[];
  fallback: Label | null;
}

export class KeywordRuleClassifier implements Classifier<Samples, KeywordRuleParams> {
  private readonly p: KeywordRuleParams;
  readonly rules: readonly CompiledRule[];
  private readonly matchers: { all: Matcher[]; any: Matcher[] }[];
  private fitted: RuleState | undefined;

  constructor(params: Partial<KeywordRuleParams> & { rules: KeywordRuleParams["rules"] }) {
    if (params == null || params.rules === undefined) {
      throw new InvalidInputError(`KeywordRuleClassifier needs rules: new KeywordRuleClassifier({ rules: [{ when: ["space", "ship"], then: "science_fiction" }] })`);
    }
    this.p = { decision: "first", multiLabel: false, default: null, caseSensitive: false, ...params };
    checkOption("decision", this.p.decision, ["first", "vote"] as const);
    this.rules = compileRules(this.p.rules);
    const cs = this.p.caseSensitive;
    this.matchers = this.rules.map((r) => ({ all: r.all.map((w) => matcher(w, cs)), any: r.any.map((w) => matcher(w, cs)) }));
  }

  /** The rules come back as a table (text rules parsed), so params() rebuilds the same model. */
  params(): KeywordRuleParams {
    const rules = this.rules.map((r) => ({ ...(r.all.length ? { when: [...r.all] } : {}), ...(r.any.length ? { any: [...r.any] } : {}), then: r.then }));
    return { ...this.p, rules };
  }

  private get state(): RuleState {
    if (!this.fitted) throw new NotFittedError("KeywordRuleClassifier");
    return this.fitted;
  }

  /** Every label the model can output, sorted: y's labels, the rules' and the default. */
  get classes(): readonly Label[] {
    return this.state.classes;
  }

  /** The label given when no rule matches (null: an empty set, in multi-label mode). */
  get defaultLabel(): Label | null {
    return this.state.fallback;
  }

  /** Learns the label set and, unless given, the default (the commonest label); checks that rule labels occur in y. */
  fit(X: Samples, y: readonly Label[] | readonly (readonly Label[])[]): this {
    const texts = this.texts(X);
    if (!Array.isArray(y) || y.length !== texts.length) {
      throw new InvalidInputError(`X has ${texts.length} texts but y has ${Array.isArray(y) ? y.length : "no"} labels: they must describe the same samples`);
    }
    const multi = y.length > 0 && Array.isArray(y[0]);
    if (multi !== this.p.multiLabel) {
      throw new InvalidInputError(
        multi ? "y holds label sets (an array per sample): pass multiLabel: true to predict every matching rule's label"
          : "multiLabel is on but y holds one label per sample: give y as arrays of labels, or leave multiLabel off",
      );
    }
    const flat: Label[] = multi ? (y as readonly (readonly Label[])[]).flatMap((row, i) => {
      if (!Array.isArray(row)) throw new InvalidInputError(`y[${i}] is not an array: in multi-label mode every sample needs an array of labels`);
      return row;
    }) : [...(y as readonly Label[])];
    checkLabelKinds(flat, "y");
    const seen = uniqueLabels(flat, "y");
    const known = new Set(seen);
    this.rules.forEach((r, i) => {
      if (!known.has(r.then)) {
        throw new InvalidInputError(`rule ${i + 1} (${r.source}) predicts ${JSON.stringify(r.then)}, which never occurs in y: use one of ${JSON.stringify(seen.slice(0, 20))}`);
      }
    });
    let fallback = this.p.default;
    if (fallback === null && !multi) fallback = mostFrequent(flat);
    const classes = uniqueLabels([...seen, ...(fallback !== null ? [fallback] : [])]);
    this.fitted = { classes, fallback };
    return this;
  }

  /** One label per text (single-label mode). */
  predict(X: Samples): Label[] {
    this.state;
    if (this.p.multiLabel) throw new InvalidInputError("this KeywordRuleClassifier is multi-label: predictSets(X) gives a label set per text");
    return this.texts(X).map((t) => this.decide(t).prediction as Label);
  }

  /** A sorted label set per text: every matching rule's label (multi-label mode). */
  predictSets(X: Samples): Label[][] {
    this.state;
    if (!this.p.multiLabel) throw new InvalidInputError("this KeywordRuleClassifier gives one label per text: use predict(X), or multiLabel: true for label sets");
    return this.texts(X).map((t) => this.decide(t).prediction as Label[]);
  }

  /** One-hot rows of the decision (multi-label: a 1 for every predicted label), in `classes` order. */
  predictProba(X: Samples): number[][] {
    const { classes } = this.state;
    return this.texts(X).map((t) => {
      const p = this.decide(t).prediction;
      const set = new Set(Array.isArray(p) ? p : [p]);
      return classes.map((c) => (set.has(c) ? 1 : 0));
    });
  }

  /** The rules as a numbered list, with how they decide. */
  [MIME](): MimeBundle {
    const how = this.p.multiLabel ? "multi-label: every matching rule adds its label" : this.p.decision === "vote" ? "the label most matching rules name" : "the first matching rule decides";
    const fallback = this.fitted ? (this.fitted.fallback === null ? "no label" : JSON.stringify(this.fitted.fallback)) : this.p.default === null ? "the commonest label (learned in fit)" : JSON.stringify(this.p.default);
    const head = `KeywordRuleClassifier: ${this.rules.length} rule${this.rules.length === 1 ? "" : "s"}, ${how}; no match: ${fallback}${this.fitted ? "" : " (not fitted)"}`;
    return {
      "text/plain": [head, ...this.rules.map((r, i) => `  ${i + 1}. ${r.source}`)].join("\n"),
      "text/html": `<p>${escapeHtml(head)}</p><ol>${this.rules.map((r) => `<li><code>${escapeHtml(r.source)}</code></li>`).join("")}</ol>`,
    };
  }

  /** Which rule fired on a text, and why. */
  explain(text: string): RuleExplanation {
    if (typeof text !== "string") throw new InvalidInputError(`explain takes one text (a string), got ${typeof text}`);
    return this.decide(text);
  }

  private texts(X: Samples): string[] {
    const n = countSamples(X);
    const rows = X as ArrayLike<unknown>;
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const v = rows[i];
      if (typeof v !== "string") {
        throw new InvalidInputError(`X[${i}] is ${v === null ? "null" : typeof v}: KeywordRuleClassifier reads texts, so X is an array of strings (e.g. the text column)`);
      }
      out[i] = v;
    }
    return out;
  }

  private decide(text: string): RuleExplanation {
    const { fallback } = this.state;
    const tokens = words(text, this.p.caseSensitive);
    const fired: RuleFiring[] = [];
    this.matchers.forEach((m, i) => {
      if (!m.all.every((w) => w.test(tokens))) return;
      const anyHit = m.any.filter((w) => w.test(tokens));
      if (m.any.length && !anyHit.length) return;
      const r = this.rules[i];
      const anyWords = r.any.filter((_, k) => m.any[k].test(tokens));
      fired.push({ rule: i + 1, source: r.source, then: r.then, matched: [...r.all, ...anyWords] });
    });
    const none = (prediction: Label | Label[]): RuleExplanation => ({
      prediction, fired, decidedBy: [], usedDefault: true,
      summary: `no rule matched: ${Array.isArray(prediction) ? (prediction.length ? JSON.stringify(prediction) : "no labels") : `default ${JSON.stringify(prediction)}`}`,
    });
    if (this.p.multiLabel) {
      if (!fired.length) return none(fallback === null ? [] : [fallback]);
      const labels = uniqueLabels(fired.map((f) => f.then));
      return {
        prediction: labels, fired, decidedBy: fired.map((f) => f.rule), usedDefault: false,
        summary: fired.map((f) => `rule ${f.rule} (${f.source}) on ${f.matched.map(quote).join(", ")}`).join("; "),
      };
    }
    if (!fired.length) return none(fallback!);
    let winner = fired[0].then;
    if (this.p.decision === "vote") {
      const votes = new Map<Label, number>();
      for (const f of fired) votes.set(f.then, (votes.get(f.then) ?? 0) + 1);
      // Map keeps first-seen order, so a tie goes to the label of the earlier rule.
      for (const [label, v] of votes) if (v > votes.get(winner)!) winner = label;
    }
    const decidedBy = this.p.decision === "first" ? [fired[0].rule] : fired.filter((f) => f.then === winner).map((f) => f.rule);
    const how = decidedBy.map((k) => {
      const f = fired.find((x) => x.rule === k)!;
      return `rule ${k} (${f.source}) on ${f.matched.map(quote).join(", ")}`;
    }).join("; ");
    const votesNote = this.p.decision === "vote" ? ` — ${decidedBy.length} of ${fired.length} matching rule(s) voted for it` : "";
    return { prediction: winner, fired, decidedBy, usedDefault: false, summary: `${JSON.stringify(winner)} by ${how}${votesNote}` };
  }
}

/** The commonest label; ties go to the smallest (as scikit-learn's most_frequent). */
function mostFrequent(values: readonly Label[]): Label {
  const counts = new Map<Label, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: Label | undefined;
  for (const [k, c] of counts) {
    if (best === undefined || c > counts.get(best)! || (c === counts.get(best)! && compareLabels(k, best) < 0)) best = k;
  }
  return best!;
}
