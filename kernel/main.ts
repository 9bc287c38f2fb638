// Entry point that Jupyter starts: `node dist/kernel/main.js --connection-file FILE`.
import * as fs from "fs";
import type { ConnectionInfo } from "./kernel";
import { History } from "./history";
import { Runtime } from "./runtime";
import { historyFile, storeUri } from "../src/store/location";

function usage(message: string): never {
  process.stderr.write(`modelbench kernel: ${message}\nusage: node dist/kernel/main.js --connection-file <file>\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--connection-file");
  const file = i >= 0 ? process.argv[i + 1] : undefined;
  if (!file) usage("no --connection-file given");
  let connection: ConnectionInfo;
  try {
    connection = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    usage(`cannot read connection file ${file}: ${e}`);
  }
  const uri = storeUri();
  // The runtime first: it builds its TypeScript program (most of the wait for a first cell) on the
  // other core while this process loads the protocol's modules and binds its sockets.
  const history = new History(historyFile(uri));
  const runtime = new Runtime(process.cwd(), history.runtimeEnv(process.env));
  runtime.start();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Kernel } = require("./kernel") as typeof import("./kernel");
  const kernel = new Kernel({ connection, historyFile: historyFile(uri), storeUri: uri, early: { history, runtime } });
  await kernel.start();
  // With interrupt_mode "message" interrupts arrive on the control channel; a SIGINT (signal mode,
  // or Ctrl-C in a terminal) is passed on to the runtime instead of killing the kernel.
  process.on("SIGINT", () => kernel.runtime.interrupt());
  process.on("SIGTERM", () => void kernel.shutdown().finally(() => process.exit(0)));
  exitWithLauncher(() => void kernel.shutdown().finally(() => process.exit(0)));
}

/** Like ipykernel's parent poller: jupyter_client sets JPY_PARENT_PID to the process that launched
 * the kernel (a Jupyter server, a test); when that process is gone the kernel would only be an
 * orphan nobody can reach, so it shuts down (its runtime with it) instead of lingering. */
function exitWithLauncher(shutdown: () => void): void {
  const launcher = Number(process.env.JPY_PARENT_PID);
  if (!Number.isInteger(launcher) || launcher <= 1 || process.ppid !== launcher) return;
  setInterval(() => {
    if (process.ppid !== launcher) shutdown();
  }, 1000).unref();
}

main().catch((e) => {
  process.stderr.write(`modelbench kernel failed to start: ${e?.stack ?? e}\n`);
  process.exit(1);
});
