// Line diffs (Myers' O(ND) algorithm) and unified-diff text, for code snapshots and paired files.

export type DiffOp = { op: "equal" | "delete" | "insert"; line: string; a: number; b: number };

/** The shortest edit script turning lines `a` into lines `b`. */
export function diffLines(a: string[], b: string[]): DiffOp[] {
  const n = a.length, m = b.length, max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) x++, y++;
      v[max + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  const ops: DiffOp[] = [];
  let x = n, y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vv = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vv[max + k - 1] < vv[max + k + 1]) ? k + 1 : k - 1;
    const px = vv[max + prevK], py = px - prevK;
    while (x > px && y > py) ops.push({ op: "equal", line: a[--x], a: x, b: --y });
    if (d > 0) {
      if (x === px) ops.push({ op: "insert", line: b[--y], a: x, b: y });
      else ops.push({ op: "delete", line: a[--x], a: x, b: y });
    }
  }
  return ops.reverse();
}

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** `diff -u` style text with `context` lines around each change; "" when equal. */
export function unifiedDiff(a: string, b: string, names: [string, string] = ["a", "b"], context = 3): string {
  const ops = diffLines(splitLines(a), splitLines(b));
  if (ops.every((o) => o.op === "equal")) return "";
  const out = [`--- ${names[0]}`, `+++ ${names[1]}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].op === "equal") { i++; continue; }
    let start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are closer than 2*context apart.
    for (let j = i; j < ops.length; j++) {
      if (ops[j].op !== "equal") end = j;
      else if (j - end > 2 * context) break;
    }
    end = Math.min(ops.length - 1, end + context);
    const hunk = ops.slice(start, end + 1);
    const aStart = hunk.find((o) => o.op !== "insert")?.a ?? hunk[0].a;
    const bStart = hunk.find((o) => o.op !== "delete")?.b ?? hunk[0].b;
    const aLen = hunk.filter((o) => o.op !== "insert").length, bLen = hunk.filter((o) => o.op !== "delete").length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const o of hunk) out.push((o.op === "equal" ? " " : o.op === "delete" ? "-" : "+") + o.line);
    i = end + 1;
    start = i;
  }
  return out.join("\n") + "\n";
}
