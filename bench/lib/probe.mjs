// A probe: a Node script run beside a bench that logs to the store and reports on stdout, one JSON
// object per line. It says `{ ready: true }` once set up, waits for a line on stdin ("go"), then
// reports what it did and when; the bench compares that with what the page showed and when.
import { spawn } from "node:child_process";

/** Starts `script` (source for `node -e`) with `env`; `ready` resolves on its ready line, `sent` collects the other lines. */
export function spawnProbe(script, env) {
  const proc = spawn(process.execPath, ["-e", script], { env, stdio: ["pipe", "pipe", "inherit"] });
  const sent = [];
  let buffer = "";
  let markReady;
  const ready = new Promise((r) => (markReady = r));
  proc.stdout.on("data", (d) => {
    buffer += d;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const msg = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      if (msg.ready) markReady();
      else sent.push(msg);
    }
  });
  const exited = new Promise((r) => proc.once("exit", r));
  return { proc, sent, ready, exited, go: () => proc.stdin.end("go\n") };
}
