// Command-line options shared by the benchmarks.

/** `--name N` as a whole number ≥ 1 (default when absent); a bad value exits with a usage error. */
export function wholeNumberOption(bench, name, dflt, argv = process.argv.slice(2)) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`bench/${bench}: --${name} wants a whole number ≥ 1, got '${argv[i + 1]}'`);
    process.exit(2);
  }
  return v;
}
