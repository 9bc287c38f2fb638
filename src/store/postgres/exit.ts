// Run by PostgresStore.finishSync() at process exit: writes a run's last batch and its end, read as
// JSON from stdin (float64 columns in base64, so NaN and ±Infinity survive), then exits.
import { PostgresStore } from "./store";

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const { url, batch, end } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const store = new PostgresStore(url);
  const dec = (s: string) => Array.from(new Float64Array(new Uint8Array(Buffer.from(s, "base64")).buffer));
  try {
    if (batch) {
      await store.writeBatch({
        runId: batch.runId, params: batch.params, output: batch.output,
        series: batch.series.map((s: any) => ({ key: s.key, steps: dec(s.steps), values: dec(s.values), ts: dec(s.ts) })),
      });
    }
    await store.endRun(end.id, end.status, end.endedAt, end.error);
  } finally {
    await store.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.message ?? e}\n`);
  process.exit(1);
});
