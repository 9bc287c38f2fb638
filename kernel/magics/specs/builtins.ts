// The IPython habits: %lsmagic, %time, %timeit, %env, %who, %seed.
// Specs only (name, usage, options): what completion and --help read in the protocol process.
import type { MagicSpec } from "../spec";

export const lsmagicSpec: MagicSpec = {
  name: "lsmagic",
  line: true,
  cell: false,
  summary: "List every magic with a one-line summary.",
  usage: "%lsmagic",
  options: [],
};

export const timeSpec: MagicSpec = {
  name: "time",
  line: true,
  cell: true,
  summary: "Run code once and report how long it took (type-checking shown apart).",
  usage: "%time <statement>   |   %%time (on a cell's first line)",
  options: [],
  rawTail: true,
  examples: ["%time const s = fib(25)", "%%time\nconst model = train(data)"],
};

export const timeitSpec: MagicSpec = {
  name: "timeit",
  line: true,
  cell: true,
  summary: "Time a statement over many loops and repeats; reports mean ± std. dev. per loop.",
  usage: "%timeit [-n N] [-r R] <statement>   |   %%timeit [-n N] [-r R]",
  options: [
    { name: "number", short: "n", type: "int", min: 1, help: "loops per repeat (chosen automatically when absent)" },
    { name: "repeat", short: "r", type: "int", min: 1, default: 7, help: "how many repeats" },
  ],
  rawTail: true,
  examples: ["%timeit -n 1000 Math.sqrt(2)", "%%timeit -r 3\nconst m = matmul(a, b)"],
};

export const envSpec: MagicSpec = {
  name: "env",
  line: true,
  cell: false,
  summary: "Show or set environment variables of the runtime.",
  usage: "%env | %env NAME | %env NAME=value | %env NAME value",
  options: [],
  positional: [
    { name: "NAME[=value]", help: "variable to show, or to set with =value" },
    { name: "value", help: "value to set (alternative to NAME=value)" },
  ],
};

export const whoSpec: MagicSpec = {
  name: "who",
  line: true,
  cell: false,
  summary: "List the variables defined by cells, optionally only those of some types.",
  usage: "%who [type ...]",
  options: [],
  positional: [{ name: "type", rest: true, help: "keep only values of these kinds: number, string, function, array, object, …" }],
  examples: ["%who", "%who number string"],
};

export const seedSpec: MagicSpec = {
  name: "seed",
  line: true,
  cell: false,
  summary: "Seed every random source the helpers use (baselines, splits, samplers), and record it in runs.",
  usage: "%seed [N | off]",
  options: [],
  positional: [{ name: "N", help: "a whole number 0 … 4294967295, or off; without it, shows the seed" }],
  examples: ["%seed 42"],
};
