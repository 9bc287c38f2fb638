// Side check for TPE changes, on objectives bench/tune does not report (6-D Rosenbrock, 6-D
// Ackley, 4-D Styblinski–Tang) beside Branin and Hartmann-6, so a change is not fitted to the
// two benchmark problems. Runs our multivariate TPE with each set of extra options given as JSON
// and prints the median regret over seeds 0..SEEDS-1 per problem and the median ms per trial:
//   npx tsc -p tsconfig.json && SEEDS=40 node bench/tune/variants.mjs '{"24":{"nEiCandidates":24},"default":{}}'
// The argument is JSON or, for options that are functions, a JavaScript object literal in which
// `tpe` is the samplers module, e.g. '{ optuna: { gamma: tpe.optunaGamma }, default: {} }'.
// Env: SEEDS (40), TRIALS (100), PROBS (comma list, default all).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const root = new URL("../..", import.meta.url).pathname;
const require = createRequire(import.meta.url);
const { TPESampler } = require(root + "/dist/src/tune/samplers/index.js");
const { toSpace, uniform } = require(root + "/dist/src/tune/space.js");
const PR = JSON.parse(readFileSync(root + "/bench/tune/problems.json", "utf8"));
const F = {
  branin: { b: PR.branin.bounds, min: PR.branin.min, f([x1, x2]) { const b = 5.1/(4*Math.PI**2), c = 5/Math.PI, t = 1/(8*Math.PI); return (x2-b*x1*x1+c*x1-6)**2+10*(1-t)*Math.cos(x1)+10; } },
  hartmann6: { b: PR.hartmann6.bounds, min: PR.hartmann6.min, f(x) { const { alpha, A, P } = PR.hartmann6; let s = 0; for (let i=0;i<4;i++){let q=0; for(let j=0;j<6;j++) q+=A[i][j]*(x[j]-P[i][j]*1e-4)**2; s-=alpha[i]*Math.exp(-q);} return s; } },
  rosen6: { b: Array(6).fill([-2, 2]), min: 0, f(x) { let s=0; for(let i=0;i<5;i++) s+=100*(x[i+1]-x[i]**2)**2+(1-x[i])**2; return s; } },
  ackley6: { b: Array(6).fill([-5, 10]), min: 0, f(x) { const d=x.length; const a=x.reduce((s,v)=>s+v*v,0)/d, c=x.reduce((s,v)=>s+Math.cos(2*Math.PI*v),0)/d; return -20*Math.exp(-0.2*Math.sqrt(a))-Math.exp(c)+20+Math.E; } },
  styb4: { b: Array(4).fill([-5, 5]), min: -39.16617*4, f(x) { return x.reduce((s,v)=>s+(v**4-16*v*v+5*v)/2,0); } },
};
const tpe = require(root + "/dist/src/tune/samplers/index.js");
const variants = new Function("tpe", `return (${process.argv[2] || '{"base":{}}'});`)(tpe);
const SEEDS = Number(process.env.SEEDS || 40), T = Number(process.env.TRIALS || 100);
const probs = (process.env.PROBS || Object.keys(F).join(",")).split(",");
const med = (xs) => { const s=[...xs].sort((a,b)=>a-b); const m=(s.length-1)/2; return (s[Math.floor(m)]+s[Math.ceil(m)])/2; };
console.log(["variant", ...probs.map(p=>p.padStart(10)), "ms"].join("\t"));
for (const [name, opts] of Object.entries(variants)) {
  const row = [name.padEnd(14)]; let ms = [];
  for (const p of probs) {
    const { b, f, min } = F[p];
    const space = toSpace(Object.fromEntries(b.map(([lo, hi], i) => [`x${i}`, uniform(lo, hi)])));
    const regrets = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const s = new TPESampler({ seed, multivariate: true, ...opts }); const trials = []; let best = Infinity;
      const t0 = performance.now();
      for (let n = 0; n < T; n++) { const params = s.sample(space, trials, "minimize"); const v = f(b.map((_, i) => params[`x${i}`])); best = Math.min(best, v); trials.push({ number: n, state: "complete", params, value: v, intermediate: new Map(), startedAt: 0, endedAt: 0 }); }
      ms.push((performance.now() - t0) / T); regrets.push(best - min);
    }
    row.push(med(regrets).toPrecision(4).padStart(10));
  }
  row.push(med(ms).toFixed(2)); console.log(row.join("\t"));
}
