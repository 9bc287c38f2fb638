// Messages between the protocol process and the runtime child that runs cells.
import type { CellFiles } from "./debug/cells";
import type { Mapping } from "./debug/sourceMap";
import type { DeclarationsUpdate } from "./declarations";

// Every child message names the request (`req`) it belongs to, so outputs get the right parent.

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface UserExpressionResult {
  status: "ok" | "error";
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export type ToChild =
  | { type: "execute"; req: string; code: string; silent: boolean; allowStdin: boolean; userExpressions: Record<string, string> }
  | { type: "input_reply"; value: string }
  | { type: "comm_open"; req: string; commId: string; target: string; data: any }
  | { type: "comm_msg"; req: string; commId: string; data: any; buffers: Uint8Array[] }
  | { type: "comm_close"; req: string; commId: string; data: any }
  /** Start relaying the inspector to the protocol process's socket; cells are named after `files`. */
  | { type: "debug_attach"; socket: string; files: CellFiles }
  | { type: "debug_detach" }
  /** The breakpoints of the script at `url` are set: it may run. */
  | { type: "debug_ready"; url: string }
  /** The answer to an inspect_request: TypeScript's quick info with its documentation, or null. */
  | { type: "inspect_reply"; id: number; text: string | null };

export type FromChild =
  | { type: "ready" }
  | { type: "stream"; req: string | null; name: "stdout" | "stderr"; text: string }
  | { type: "display"; req: string | null; data: any; metadata: any; displayId?: string; update: boolean }
  | { type: "clear_output"; req: string | null; wait: boolean }
  | { type: "execute_result"; req: string; data: any; metadata: any }
  | {
      type: "done";
      req: string;
      status: "ok" | "error";
      error?: ErrorContent;
      payload: Array<Record<string, unknown>>;
      userExpressions: Record<string, UserExpressionResult>;
      /** Declarations of the cells so far, for completion in the protocol process: what changed since the last `done` (kernel/declarations.ts). */
      decl?: DeclarationsUpdate;
      /** text/plain of the result, for the history's output column. */
      resultText?: string;
    }
  | { type: "input_request"; req: string; prompt: string; password: boolean }
  | { type: "comm_open"; req: string | null; commId: string; target: string; data: any; metadata: any }
  | { type: "comm_msg"; req: string | null; commId: string; data: any; metadata: any; buffers: Uint8Array[] }
  | { type: "comm_close"; req: string | null; commId: string; data: any }
  | { type: "comm_targets"; targets: string[] }
  /** The runtime's tracking store is now this one (`%store URI`, useStore()): the sidebar follows. */
  | { type: "store"; uri: string }
  /** The runtime's TypeScript program is built (sent once, after start). */
  | { type: "warmed" }
  /** While debugging, a compiled piece of a cell about to run: its script URL, the cell's file, the
   * piece's first line within the cell and the map from the script to the piece's lines. */
  | { type: "debug_script"; url: string; path: string; lineOffset: number; firstLineShift: number; mappings: Mapping[] }
  /** A forwarded comm message was handled: its outputs have all been sent. */
  | { type: "handled"; req: string }
  /** `name?`: quick info from the protocol process's program, which keeps documentation comments
   * (the runtime's drops them to build faster), against the declarations of the cells before. */
  | { type: "inspect_request"; id: number; code: string; cursor: number };
