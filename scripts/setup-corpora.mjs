// Extracts the Reuters corpora that Debian ships (packages `weka` and `r-cran-tm`) into .data/debian/
// for the loaders in src/data/corpora: `apt-get download` + `dpkg-deb -x`, no root and no Java or R
// needed. Builtins only (it runs before node_modules may exist). Skipped when already extracted.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What each package must leave behind; a package whose file exists is not fetched again. */
const PACKAGES = [
  { name: "weka", marker: "usr/share/doc/weka/examples/ReutersGrain-train.arff" },
  { name: "r-cran-tm", marker: "usr/lib/R/site-library/tm/texts/acq" },
];

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  return { ok: !r.error && r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? r.error.message : ""}` };
}

/**
 * Makes sure root/.data/debian holds the corpus files. Never fails the whole set-up: a machine
 * without apt (macOS, no network) only loses the Reuters loaders, which say so when called.
 */
export function setupCorpora(root, log = (m) => console.log(`[setup] ${m}`)) {
  const dest = join(root, ".data", "debian");
  const missing = PACKAGES.filter((p) => !existsSync(join(dest, p.marker)));
  if (!missing.length) return true;
  if (sh("apt-get", ["--version"]).ok === false || sh("dpkg-deb", ["--version"]).ok === false) {
    log("apt-get/dpkg-deb not found: the Reuters corpora (loadReuters, loadReutersTm) stay unavailable");
    return false;
  }
  log(`extracting Debian corpora (${missing.map((p) => p.name).join(", ")}) into .data/debian`);
  mkdirSync(dest, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), "modelbench-corpora-"));
  try {
    const names = missing.map((p) => p.name);
    let dl = sh("apt-get", ["download", ...names], tmp);
    if (!dl.ok) {
      // A fresh container has empty package lists; refreshing them needs root.
      sh("apt-get", ["update", "-qq"]);
      dl = sh("apt-get", ["download", ...names], tmp);
    }
    if (!dl.ok) {
      log(`apt-get download ${names.join(" ")} failed; the Reuters loaders stay unavailable:\n${dl.out.trim()}`);
      return false;
    }
    for (const deb of readdirSync(tmp).filter((f) => f.endsWith(".deb"))) {
      const x = sh("dpkg-deb", ["-x", join(tmp, deb), dest]);
      if (!x.ok) {
        log(`dpkg-deb -x ${deb} failed:\n${x.out.trim()}`);
        return false;
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return missing.every((p) => existsSync(join(dest, p.marker)));
}
