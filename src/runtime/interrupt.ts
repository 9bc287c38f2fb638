// A process-wide "the user pressed stop" signal that long-running helpers listen to, so a sweep or a
// training loop can end cleanly. The kernel fires it on an interrupt; a script may fire it on SIGINT.

type Listener = () => void;
const KEY = Symbol.for("modelbench.interruptListeners");

function listeners(): Set<Listener> {
  const g = globalThis as any;
  return (g[KEY] ??= new Set<Listener>());
}

/** Calls `fn` on the next interrupt; returns a function that stops listening. */
export function onInterrupt(fn: Listener): () => void {
  listeners().add(fn);
  return () => listeners().delete(fn);
}

export function fireInterrupt(): void {
  for (const fn of [...listeners()]) {
    try {
      fn();
    } catch {
      /* a listener's failure must not stop the others */
    }
  }
}

export class Interrupted extends Error {
  constructor(what: string) {
    super(`${what} was interrupted`);
    this.name = "KeyboardInterrupt";
  }
}
