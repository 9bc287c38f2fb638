// Where this modelbench checkout lives, so helpers find what the set-up put in its .data/ folder
// (corpora, the native TensorFlow build, pretrained models) from a notebook, a script or a test.
import * as fs from "fs";
import * as path from "path";

/** The project folder holding .data/ (the modelbench checkout this module was built from). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === "modelbench") return dir;
      } catch {
        /* not ours */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}
