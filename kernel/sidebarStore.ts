// The store the sidebar follows, as a part the kernel holds: one tail shared by every open Runs
// panel (opened with the first, on the store the notebook's cells write to), moved when the cells
// switch store, and the runs a dead runtime left 'running' marked crashed.
import type { CommRegistry } from "../src/comm";
import { openStore, openTail } from "../src/store/registry";
import type { Tail } from "../src/store/types";
import { SidebarSession, SIDEBAR_TARGET } from "./sidebar";

export class SidebarStore {
  private tail: Tail | null = null;
  private readonly sessions = new Set<SidebarSession>();
  /** The store the runtime's cells write to, once they switched away from the default one. */
  private runtimeStore: string | null = null;

  constructor(private readonly defaultUri: string, private readonly log: (m: string) => void) {}

  /** The store the sidebar follows: the one the notebook's cells write to. */
  get uri(): string {
    return this.runtimeStore ?? this.defaultUri;
  }

  /** Serves the sidebar's comm target: the store is tailed only while a sidebar is connected. */
  register(comms: CommRegistry): void {
    comms.registerTarget(SIDEBAR_TARGET, (comm) => {
      this.tail ??= this.open(this.uri);
      const session: SidebarSession = new SidebarSession(comm, this.tail, {
        watchChanged: () => this.updateWatched(),
        disposed: () => {
          this.sessions.delete(session);
          this.updateWatched();
        },
        broadcast: (data) => {
          for (const s of this.sessions) s.push(data);
        },
      });
      this.sessions.add(session);
    });
  }

  /** The runtime now writes to `uri` (`%store`, or its default after a restart; null: the default):
   * open sidebars move to it and reload. */
  follow(uri: string | null): void {
    const before = this.uri;
    this.runtimeStore = uri === this.defaultUri ? null : uri;
    const now = this.uri;
    if (now === before || !this.tail) return;
    const old = this.tail;
    this.tail = this.open(now);
    for (const s of this.sessions) s.retarget(this.tail, now);
    this.updateWatched();
    old.stop();
  }

  /** The runtime (process `pid`) died: its runs still 'running' are crashed now, in the store it
   * wrote to and in the default one, not only when a store is next opened. The new runtime starts
   * on the default store, and so does the sidebar. */
  runtimeDied(pid: number | undefined): void {
    if (pid) for (const uri of new Set([this.uri, this.defaultUri])) void this.markRunsCrashed(pid, uri);
    this.follow(null);
  }

  stop(): void {
    this.tail?.stop();
    this.tail = null;
  }

  private open(uri: string): Tail {
    const tail = openTail(uri);
    tail.on("error", (e) => this.log(`store tail: ${e}`));
    void Promise.resolve(tail.start()).catch(() => {}); // reported through "error"
    return tail;
  }

  /** The tail reads the points of the runs any open panel watches (each panel filters its own). */
  private updateWatched(): void {
    if (!this.tail) return;
    this.tail.watched.clear();
    for (const s of this.sessions) for (const id of s.watching) this.tail.watched.add(id);
  }

  private async markRunsCrashed(pid: number, uri: string): Promise<void> {
    try {
      const store = openStore(uri);
      const ids = await store.markCrashed([pid]);
      await store.close();
      if (ids.length) this.log(`marked ${ids.length} run(s) of the dead runtime as crashed`);
    } catch (e) {
      this.log(`could not mark the dead runtime's runs: ${e}`);
    }
  }
}
