// A human-level reference measured, not typed in: a person labels a seeded, stratified sample of
// the held-out examples one at a time (through `input()` in a notebook or a terminal prompt),
// every answer is saved to a file as it is given (so quitting or a dead kernel loses nothing and
// the next session resumes), and the score on the labelled sample becomes the `human` row of the
// leaderboard (humanReference). Works from a plain Node script: only `ask` talks to the person.
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { InvalidInputError } from "../errors";
import { accuracy, f1 } from "../metrics";
import { Random } from "../random";
import { humanReference } from "./leaderboard";
import type * as track from "../track";

export interface LabelingOptions {
  /** The held-out texts (the test split the baselines are scored on). */
  texts: readonly string[];
  /** Their true labels, same order; the person never sees them. */
  labels: readonly string[];
  /** Asks one question and resolves with the answer: `input` in a notebook, readline in a terminal. */
  ask: (prompt: string) => Promise<string>;
  /** Where answers are kept (JSON, rewritten after every answer); an existing file is resumed. */
  file: string;
  /** How many examples to label (default 45), drawn round-robin over the labels so each appears. */
  n?: number;
  /** Seed of the sample (default 0): the same seed gives the same examples in the same order. */
  seed?: number;
  /** Who labels; goes into the reference's note (default "anonymous"). */
  annotator?: string;
  /** The choices offered (default: the distinct labels, sorted). */
  choices?: readonly string[];
  /** Longest text shown, in characters (default 900). */
  maxChars?: number;
  /** Where texts and progress are shown (default console.log). */
  print?: (text: string) => void;
  /** Record the `human` reference run when done (default true; false only returns the score). */
  record?: boolean;
  /** Fewest answers needed before a reference is recorded (default 10). */
  minAnswers?: number;
}

export interface LabelingAnswer {
  /** Position of the example in `texts`. */
  index: number;
  /** First 12 hex digits of the text's SHA-256: a resumed file must be about the same texts. */
  hash: string;
  answer: string;
  truth: string;
  at: string;
}

export interface LabelingResult {
  /** Answers given so far, including earlier sessions of the same file. */
  answers: LabelingAnswer[];
  /** Examples of the sample still unlabelled (0 when done). */
  remaining: number;
  /** Scores on the labelled examples (empty when none). */
  metrics: { macro_f1?: number; accuracy?: number };
  /** The recorded `human` reference run, when one was recorded. */
  run?: track.Run;
  file: string;
}

interface SavedFile {
  format: "modelbench-labels/1";
  seed: number;
  n: number;
  annotator: string;
  choices: string[];
  sample: number[];
  answers: LabelingAnswer[];
}

const hashText = (t: string) => createHash("sha256").update(t).digest("hex").slice(0, 12);

/** `n` positions, round-robin over the labels (each label's positions shuffled by the seed). */
export function stratifiedSample(labels: readonly string[], n: number, seed: number): number[] {
  const rng = new Random(seed);
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const positions = byLabel.get(l);
    if (positions) positions.push(i);
    else byLabel.set(l, [i]);
  });
  const queues = shuffle([...byLabel.keys()].sort()).map((l) => shuffle(byLabel.get(l)!));
  const out: number[] = [];
  while (out.length < n && queues.some((q) => q.length)) {
    for (const q of queues) if (q.length && out.length < n) out.push(q.pop()!);
  }
  return shuffle(out); // so the order does not give the label away
}

/** Reads an answer: a choice's number, its full name, or an unambiguous start of it. */
export function parseChoice(answer: string, choices: readonly string[]): string | null {
  const a = answer.trim().toLowerCase();
  if (!a) return null;
  if (/^\d+$/.test(a)) {
    const k = Number(a);
    return k >= 1 && k <= choices.length ? choices[k - 1] : null;
  }
  const exact = choices.find((c) => c.toLowerCase() === a);
  if (exact) return exact;
  const starts = choices.filter((c) => c.toLowerCase().startsWith(a));
  return starts.length === 1 ? starts[0] : null;
}

function scores(answers: readonly LabelingAnswer[]): LabelingResult["metrics"] {
  if (!answers.length) return {};
  const truth = answers.map((a) => a.truth);
  const said = answers.map((a) => a.answer);
  return { macro_f1: f1(truth, said, { average: "macro", zeroDivision: 0 }), accuracy: accuracy(truth, said) };
}

function load(file: string): SavedFile | null {
  if (!fs.existsSync(file)) return null;
  let saved: SavedFile;
  try {
    saved = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InvalidInputError(`${file} is not a labels file (${(e as Error).message}): move it away to start afresh; it was left as it is`);
  }
  if (saved?.format !== "modelbench-labels/1" || !Array.isArray(saved.sample) || !Array.isArray(saved.answers)) {
    throw new InvalidInputError(`${file} is not a modelbench labels file: give another file; it was left as it is`);
  }
  return saved;
}

function save(file: string, data: SavedFile): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 1));
  fs.renameSync(tmp, file); // an interrupted write never leaves half a file
}

/**
 * Lets a person label a sample of held-out examples and records what they reach as the
 * leaderboard's human reference. Answers: a number or a choice's name (or the start of it),
 * `s` to skip an example, `q` to stop (resume later with the same file).
 */
export async function labelSample(options: LabelingOptions): Promise<LabelingResult> {
  const { texts, labels, ask, file } = options ?? ({} as LabelingOptions);
  if (!Array.isArray(texts) || !Array.isArray(labels)) throw new InvalidInputError("labelSample needs texts and labels (arrays of the same length)");
  if (texts.length !== labels.length) throw new InvalidInputError(`labelSample: ${texts.length} texts but ${labels.length} labels; they must pair up`);
  if (!texts.length) throw new InvalidInputError("labelSample: there are no texts to label");
  if (typeof ask !== "function") throw new InvalidInputError("labelSample needs ask(prompt) → Promise<string>: `input` in a notebook, readline in a terminal");
  if (typeof file !== "string" || !file) throw new InvalidInputError("labelSample needs a file to keep the answers in, e.g. file: 'labels/human.json'");
  const n = options.n ?? 45;
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`labelSample: n is ${n}; give a whole number ≥ 1`);
  const seed = options.seed ?? 0;
  const print = options.print ?? ((t: string) => console.log(t));
  const maxChars = options.maxChars ?? 900;
  const choices = [...(options.choices ?? [...new Set(labels)].sort())];
  const unknown = [...new Set(labels)].filter((l) => !choices.includes(l));
  if (unknown.length) throw new InvalidInputError(`labelSample: the labels ${unknown.join(", ")} are not among the choices`);

  let saved = load(file);
  if (saved) {
    for (const a of saved.answers) {
      if (a.index >= texts.length || hashText(texts[a.index]) !== a.hash) {
        throw new InvalidInputError(`${file} holds answers for other texts (example ${a.index} differs): use another file for this split; it was left as it is`);
      }
    }
  } else {
    saved = {
      format: "modelbench-labels/1",
      seed,
      n,
      annotator: options.annotator ?? "anonymous",
      choices,
      sample: stratifiedSample(labels, Math.min(n, texts.length), seed),
      answers: [],
    };
    save(file, saved);
  }
  const done = new Set(saved.answers.map((a) => a.index));
  const todo = saved.sample.filter((i) => !done.has(i));
  const menu = choices.map((c, k) => `${k + 1}. ${c}`).join("   ");
  print(`${saved.answers.length} of ${saved.sample.length} labelled so far; ${todo.length} to go. Answer with a number or a name; s skips, q stops (answers are kept in ${file}).`);
  let skipped = 0;
  for (const [k, index] of todo.entries()) {
    const text = texts[index].length > maxChars ? texts[index].slice(0, maxChars) + " …" : texts[index];
    print(`\n[${saved.answers.length + 1}/${saved.sample.length}] ${text.replace(/\s+/g, " ")}\n\n${menu}`);
    let label: string | null = null;
    for (;;) {
      const reply = (await ask("genre? ")).trim();
      if (reply.toLowerCase() === "q") {
        print(`stopped: ${todo.length - k} left; run it again with the same file to go on.`);
        return finish(saved, file, todo.length - k, options, print);
      }
      if (reply.toLowerCase() === "s") break;
      label = parseChoice(reply, choices);
      if (label) break;
      print(`'${reply}' is not one of the choices: a number 1–${choices.length}, a name, s or q.`);
    }
    if (!label) {
      skipped++;
      continue;
    }
    saved.answers.push({ index, hash: hashText(texts[index]), answer: label, truth: labels[index], at: new Date().toISOString() });
    save(file, saved);
  }
  return finish(saved, file, skipped, options, print);
}

async function finish(saved: SavedFile, file: string, remaining: number, options: LabelingOptions, print: (text: string) => void): Promise<LabelingResult> {
  const metrics = scores(saved.answers);
  const result: LabelingResult = { answers: saved.answers, remaining, metrics, file };
  const min = options.minAnswers ?? 10;
  if (!saved.answers.length) return result;
  print(`${saved.answers.length} labelled: macro-F1 ${metrics.macro_f1!.toFixed(3)}, accuracy ${metrics.accuracy!.toFixed(3)}`);
  if (options.record === false) return result;
  if (saved.answers.length < min) {
    print(`not recorded yet: a reference needs at least ${min} answers (minAnswers)`);
    return result;
  }
  result.run = await humanReference({
    name: "human",
    metrics: metrics as Record<string, number>,
    note: `${saved.answers.length} held-out examples (seeded, stratified sample of ${saved.sample.length}, seed ${saved.seed}) labelled by ${saved.annotator}; answers in ${file}`,
    params: { annotator: saved.annotator, labelled: saved.answers.length, sample: saved.sample.length, seed: saved.seed, answers_file: file },
  });
  print(`recorded as the 'human' reference run ${result.run.id}`);
  return result;
}
