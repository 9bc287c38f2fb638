// Run by MlflowStore.finishSync() at process exit: writes a run's last batch and its end, read as
// JSON from stdin (NaN and ±Infinity as MLflow's strings), then exits.
import { MlflowStore } from "./store";

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const { uri, batch, end } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const num = (v: number | string) => (typeof v === "number" ? v : Number(v));
  const store = new MlflowStore(uri);
  if (batch) {
    await store.writeBatch({ runId: batch.runId, params: batch.params, output: batch.output, series: batch.series.map((s: any) => ({ ...s, values: s.values.map(num) })) });
  }
  await store.endRun(end.id, end.status, end.endedAt, end.error);
}

main().catch((e) => {
  process.stderr.write(`${e?.message ?? e}\n`);
  process.exit(1);
});
