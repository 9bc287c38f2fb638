// The Debug Adapter Protocol as JupyterLab's debugger speaks it over the control channel
// (debug_request → debug_reply, debug_event on IOPub), served from the runtime's V8 inspector
// (CdpLink). Runs in the protocol process, so it answers while the runtime is paused. Cell lines
// go through each compiled cell's source map; one small function per command.
import * as fs from "fs";
import * as path from "path";
import { CdpError, CdpLink } from "./cdp";
import { cellFile, cellFilesOf, dumpCell, HASH_METHOD, removeCellFiles, type CellFiles } from "./cells";
import { LineMap, type Mapping } from "./sourceMap";

/** The one thread a kernel has: its runtime's main thread. */
const THREAD = 1;
/** How long `attach` waits for the runtime's inspector. */
const ATTACH_TIMEOUT_MS = 10_000;
/** Never stop in (or step into) node's internals, installed packages or the kernel itself. */
const BLACKBOX = ["^node:", "/node_modules/", `${escapeRegExp(path.resolve(__dirname, ".."))}/`, `${escapeRegExp(path.resolve(__dirname, "..", "..", "src"))}/`];

export interface DapRequest {
  seq: number;
  type: "request";
  command: string;
  arguments?: any;
}

export interface DapResponse {
  seq: number;
  type: "response";
  request_seq: number;
  success: boolean;
  command: string;
  message?: string;
  body: any;
}

export interface DapEvent {
  seq: number;
  type: "event";
  event: string;
  body: any;
}

/** What the adapter asks of the runtime (through the kernel's Runtime). */
export interface DebuggeeControl {
  attach(socket: string, files: CellFiles): void;
  detach(): void;
  scriptReady(url: string): void;
}

/** A compiled piece of a cell that ran while debugging, or a local module a cell imported. */
interface CellScript {
  url: string;
  path: string;
  lineOffset: number;
  firstLineShift: number;
  map: LineMap;
}

/** A user error in a request: answered with success false and this message. */
class DebugRequestError extends Error {}

type Ref = { kind: "object"; objectId: string } | { kind: "scope"; objectIds: string[]; hide: Set<string> };

type Command = (a: DebugAdapter, args: any) => Promise<unknown> | unknown;

export class DebugAdapter {
  readonly files: CellFiles;
  private link: CdpLink | null = null;
  private started = false;
  private seq = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Breakpoint lines (1-based) per source path, as last set by the frontend. */
  private readonly breakpoints = new Map<string, number[]>();
  /** The cell scripts of the current runtime, by cell file and by URL. */
  private readonly scriptsOf = new Map<string, CellScript[]>();
  private readonly scripts = new Map<string, CellScript>();
  /** Inspector breakpoint ids per source path. */
  private readonly placed = new Map<string, string[]>();
  /** Script URLs by inspector script id (call frames name only the id). */
  private readonly urls = new Map<string, string>();
  private paused: { callFrames: any[]; reason: string; hitBreakpoints?: string[] } | null = null;
  private refs = new Map<number, Ref>();
  private nextRef = 1;
  private lastStep: "Debugger.stepOver" | "Debugger.stepInto" | "Debugger.stepOut" | "Debugger.pause" | null = null;
  private exceptionState: "none" | "uncaught" | "all" = "none";
  private interrupting = false;

  constructor(
    private readonly debuggee: DebuggeeControl,
    private readonly emit: (event: DapEvent) => void,
    private readonly log: (m: string) => void,
    files: CellFiles = cellFilesOf(),
  ) {
    this.files = files;
  }

  /** Answers one request; requests are handled one at a time, in order. */
  request(req: DapRequest): Promise<DapResponse> {
    const run = this.queue.then(() => this.answer(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async answer(req: DapRequest): Promise<DapResponse> {
    const base = { seq: this.seq++, type: "response" as const, request_seq: req?.seq ?? 0, command: String(req?.command ?? "") };
    const command = COMMANDS[base.command];
    if (!command) return { ...base, success: false, message: `unknown debug command '${base.command}'`, body: {} };
    try {
      const body = (await command(this, req.arguments ?? {})) ?? {};
      return { ...base, success: true, body };
    } catch (e) {
      if (!(e instanceof DebugRequestError || e instanceof CdpError)) this.log(`debug ${base.command} failed: ${(e as Error)?.stack ?? e}`);
      return { ...base, success: false, message: (e as Error)?.message ?? String(e), body: {} };
    }
  }

  private event(event: string, body: unknown): void {
    this.emit({ seq: this.seq++, type: "event", event, body });
  }

  // ---- the runtime

  /** A cell piece or a local module is about to run: put the breakpoints of its file on it, then let it run. */
  async scriptCompiled(s: { url: string; path: string; lineOffset: number; firstLineShift: number; mappings: Mapping[] }): Promise<void> {
    const script: CellScript = { ...s, map: new LineMap(s.mappings) };
    try {
      const replaced = this.scripts.has(script.url);
      this.scripts.set(script.url, script);
      for (const source of this.sourcesOf(script)) {
        this.scriptsOf.set(source, [...(this.scriptsOf.get(source) ?? []).filter((o) => o.url !== script.url), script]);
        const lines = this.breakpoints.get(source);
        // A module compiled again (its file changed) keeps its URL: its breakpoints move to the new code.
        if (replaced) await this.placeBreakpoints(source);
        else if (lines?.length && this.link?.connected) {
          const ids = this.placed.get(source) ?? [];
          for (const line of lines) {
            const placed = await this.place(script, line);
            if (placed) ids.push(placed.id);
          }
          this.placed.set(source, ids);
        }
      }
    } catch (e) {
      this.log(`breakpoints for ${s.path} not set: ${(e as Error).message}`);
    } finally {
      this.debuggee.scriptReady(s.url);
    }
  }

  /** Where breakpoints for a script come from: its file; for a local module also the file of its
   * text, as JupyterLab's file editor sets breakpoints (by hash, as for a cell: see dumpCell). */
  private sourcesOf(script: CellScript): string[] {
    if (script.path.startsWith(this.files.prefix)) return [script.path];
    try {
      return [script.path, cellFile(this.files, fs.readFileSync(script.path, "utf8"))];
    } catch {
      return [script.path];
    }
  }

  /** The runtime was replaced: its scripts are gone; a started debugger attaches to the new one. */
  runtimeReplaced(): void {
    // The dead runtime's socket may not have closed yet: requests must not go to it meanwhile.
    this.link?.drop();
    this.forgetRuntime();
    if (this.started && this.link) this.debuggee.attach(this.link.socketPath, this.files);
  }

  /** An interrupt while paused: resume without stopping again so the interrupt can end the cell. */
  async resumeForInterrupt(): Promise<void> {
    if (!this.paused || !this.link?.connected) return;
    this.interrupting = true;
    await this.link.send("Debugger.setSkipAllPauses", { skip: true }).catch(() => undefined);
    await this.link.send("Debugger.resume").catch(() => undefined);
  }

  /** A cell ended: pauses skipped for an interrupt count again. */
  cellEnded(): void {
    if (!this.interrupting) return;
    this.interrupting = false;
    void this.link?.send("Debugger.setSkipAllPauses", { skip: false }).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.link?.close();
    this.link = null;
    removeCellFiles(this.files);
  }

  private forgetRuntime(): void {
    const wasPaused = this.paused !== null;
    this.paused = null;
    this.refs.clear();
    this.scripts.clear();
    this.scriptsOf.clear();
    this.placed.clear();
    this.urls.clear();
    this.interrupting = false;
    if (wasPaused) this.event("continued", { threadId: THREAD, allThreadsContinued: true });
  }

  private onInspectorEvent(method: string, params: any): void {
    if (method === "Debugger.scriptParsed") {
      if (params.url) this.urls.set(params.scriptId, params.url);
    } else if (method === "Debugger.paused") void this.onPaused(params);
    else if (method === "Debugger.resumed") this.onResumed();
  }

  private async onPaused(params: any): Promise<void> {
    for (const f of params.callFrames ?? []) f.url ||= this.urls.get(f.location.scriptId) ?? "";
    const top = params.callFrames?.[0];
    const script = top && this.scripts.get(top.url);
    const step = this.lastStep;
    // A step that lands on code the compiler added to a cell (tslab's `exports.x = x`) goes on.
    if (script && step && step !== "Debugger.pause" && params.reason === "other" && !params.hitBreakpoints?.length) {
      const { lineNumber, columnNumber } = top.location;
      if (script.map.sourceLine(lineNumber, columnNumber - (lineNumber === 0 ? script.firstLineShift : 0)) === null) {
        await this.link?.send(step).catch(() => undefined);
        return;
      }
    }
    this.paused = { callFrames: params.callFrames ?? [], reason: params.reason, hitBreakpoints: params.hitBreakpoints };
    this.refs.clear();
    let reason = "breakpoint";
    let description: string | undefined;
    if (params.reason === "exception" || params.reason === "promiseRejection") {
      reason = "exception";
      description = params.data?.description?.split("\n")[0];
    } else if (params.hitBreakpoints?.length) reason = "breakpoint";
    else if (step === "Debugger.pause") reason = "pause";
    else if (step) reason = "step";
    else description = "debugger statement";
    this.lastStep = null;
    this.event("stopped", { reason, threadId: THREAD, allThreadsStopped: true, ...(description ? { description, text: description } : {}) });
  }

  private onResumed(): void {
    if (!this.paused) return;
    this.paused = null;
    this.refs.clear();
    this.event("continued", { threadId: THREAD, allThreadsContinued: true });
  }

  // ---- commands (used by COMMANDS below)

  async initialize(): Promise<object> {
    return {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: false,
      supportsEvaluateForHovers: true,
      supportsSetVariable: false,
      supportsStepBack: false,
      supportsTerminateRequest: false,
      supportsDelayedStackTraceLoading: false,
      supportsModulesRequest: true,
      exceptionBreakpointFilters: [
        { filter: "raised", label: "Raised exceptions", default: false, description: "Stop where any exception is thrown in your code, caught or not" },
        { filter: "uncaught", label: "Uncaught exceptions", default: false, description: "Stop on exceptions nothing catches (in callbacks and timers after their cell ended)" },
      ],
    };
  }

  async attach(): Promise<void> {
    if (!this.link) {
      this.link = await CdpLink.listen();
      this.link.on("event", (method: string, params: any) => this.onInspectorEvent(method, params));
      this.link.on("closed", () => this.forgetRuntime());
      // A replaced runtime's relay connects on its own: it gets the same settings.
      this.link.on("connected", () => {
        if (this.started) this.enableInspector().catch((e) => this.log(`debugger not enabled in the new runtime: ${e.message}`));
      });
    }
    this.started = true;
    if (!this.link.connected) {
      const connected = this.link.waitConnected(ATTACH_TIMEOUT_MS);
      this.debuggee.attach(this.link.socketPath, this.files);
      await connected;
    } else {
      await this.enableInspector();
    }
    this.event("initialized", {});
  }

  /** Debugger domain on, with what the frontend set so far (also after the runtime was replaced). */
  async enableInspector(): Promise<void> {
    const link = this.connectedLink();
    await link.send("Debugger.enable");
    await link.send("Runtime.enable");
    await link.send("Debugger.setBlackboxPatterns", { patterns: BLACKBOX });
    await link.send("Debugger.setPauseOnExceptions", { state: this.exceptionState });
  }

  debugInfo(): object {
    return {
      isStarted: this.started,
      hashMethod: HASH_METHOD,
      hashSeed: this.files.seed,
      tmpFilePrefix: this.files.prefix,
      tmpFileSuffix: this.files.suffix,
      breakpoints: [...this.breakpoints].map(([source, lines]) => ({ source, breakpoints: lines.map((line) => ({ line })) })),
      stoppedThreads: this.paused ? [THREAD] : [],
      richRendering: true,
      exceptionPaths: [],
      copyToGlobals: false,
    };
  }

  dumpCell(args: { code?: unknown }): object {
    if (typeof args.code !== "string") throw new DebugRequestError("dumpCell needs the cell's code as `code` (a string)");
    return { sourcePath: dumpCell(this.files, args.code) };
  }

  async setBreakpoints(args: { source?: { path?: string }; breakpoints?: Array<{ line?: number }>; lines?: number[] }): Promise<object> {
    const source = args.source?.path;
    if (typeof source !== "string" || !source) throw new DebugRequestError("setBreakpoints needs `source.path`: the cell's file from dumpCell, or a local module's own file");
    const lines = (args.breakpoints?.map((b) => b.line) ?? args.lines ?? []).filter((l): l is number => Number.isInteger(l) && (l as number) > 0);
    this.breakpoints.set(source, lines);
    if (!lines.length) this.breakpoints.delete(source);
    const actual = await this.placeBreakpoints(source);
    return { breakpoints: lines.map((line) => ({ verified: true, line: actual.get(line) ?? line, source: { path: source } })) };
  }

  /** Puts a file's breakpoints on every script of it, in place of those put before; returns the
   * line each breakpoint landed on. */
  private async placeBreakpoints(source: string): Promise<Map<number, number>> {
    const link = this.link?.connected ? this.link : null;
    for (const id of this.placed.get(source) ?? []) await link?.send("Debugger.removeBreakpoint", { breakpointId: id }).catch(() => undefined);
    this.placed.delete(source);
    const actual = new Map<number, number>();
    if (!link) return actual;
    const ids: string[] = [];
    for (const script of this.scriptsOf.get(source) ?? []) {
      for (const line of this.breakpoints.get(source) ?? []) {
        const placed = await this.place(script, line);
        if (!placed) continue;
        ids.push(placed.id);
        actual.set(line, placed.line);
      }
    }
    this.placed.set(source, ids);
    return actual;
  }

  /** Sets one cell line's breakpoint on a script; returns its id and the cell line it landed on. */
  private async place(script: CellScript, line: number): Promise<{ id: string; line: number } | null> {
    const at = script.map.generated(line - 1 - script.lineOffset);
    if (!at || line - 1 < script.lineOffset) return null;
    const r = await this.connectedLink().send("Debugger.setBreakpointByUrl", {
      url: script.url,
      lineNumber: at.genLine,
      columnNumber: at.genCol + (at.genLine === 0 ? script.firstLineShift : 0),
    });
    const loc = r.locations?.[0];
    const landed = loc ? script.map.nearestSourceLine(loc.lineNumber, loc.columnNumber - (loc.lineNumber === 0 ? script.firstLineShift : 0)) : at.srcLine;
    return { id: r.breakpointId, line: landed + script.lineOffset + 1 };
  }

  async setExceptionBreakpoints(args: { filters?: string[] }): Promise<object> {
    const filters = args.filters ?? [];
    this.exceptionState = filters.includes("raised") ? "all" : filters.includes("uncaught") ? "uncaught" : "none";
    if (this.link?.connected) await this.link.send("Debugger.setPauseOnExceptions", { state: this.exceptionState });
    return {};
  }

  threads(): object {
    return { threads: [{ id: THREAD, name: "runtime" }] };
  }

  stackTrace(args: { startFrame?: number; levels?: number }): object {
    const frames = (this.paused?.callFrames ?? []).map((f, index) => this.frameOf(f, index)).filter((f): f is NonNullable<typeof f> => f !== null);
    const start = args.startFrame ?? 0;
    const shown = args.levels ? frames.slice(start, start + args.levels) : frames.slice(start);
    return { stackFrames: shown, totalFrames: frames.length };
  }

  /** A user frame as DAP shows it: cells at their own lines, local files as they are; null otherwise. */
  private frameOf(f: any, index: number): object | null {
    const { lineNumber, columnNumber } = f.location;
    const name = f.functionName || "<cell>";
    const script = this.scripts.get(f.url);
    if (script) {
      const col = columnNumber - (lineNumber === 0 ? script.firstLineShift : 0);
      // Below the top, a cell line with no mapping is tslab's call of the cell's function: not the user's.
      if (index > 0 && script.map.sourceLine(lineNumber, col) === null) return null;
      const line = script.map.nearestSourceLine(lineNumber, columnNumber - (lineNumber === 0 ? script.firstLineShift : 0));
      return { id: index + 1, name, line: line + script.lineOffset + 1, column: 1, source: { name: path.basename(script.path), path: script.path } };
    }
    const file = f.url?.startsWith("file://") ? decodeURIComponent(new URL(f.url).pathname) : f.url;
    if (!file || !path.isAbsolute(file) || BLACKBOX.some((p) => new RegExp(p).test(file))) return null;
    return { id: index + 1, name, line: lineNumber + 1, column: columnNumber + 1, source: { name: path.basename(file), path: file } };
  }

  private callFrame(frameId: unknown): any {
    const frame = Number.isInteger(frameId) ? this.paused?.callFrames[(frameId as number) - 1] : undefined;
    if (!this.paused) throw new DebugRequestError("the runtime is not paused: frames exist only while it is stopped");
    if (!frame) throw new DebugRequestError(`unknown frame ${JSON.stringify(frameId)}: ask stackTrace for the current frames`);
    return frame;
  }

  async scopes(args: { frameId?: number }): Promise<object> {
    const frame = this.callFrame(args.frameId);
    const own = (frame.scopeChain as any[]).filter((s) => s.type === "local" || s.type === "block" || s.type === "catch");
    // A cell's code runs inside tslab's `function (exports, require)`: those two are not the user's.
    const isCell = this.scripts.has(frame.url);
    const scopes: object[] = [];
    if (own.length) {
      const ref = this.ref({ kind: "scope", objectIds: own.map((s) => s.object.objectId), hide: new Set(isCell ? ["exports", "require"] : []) });
      scopes.push({ name: "Locals", variablesReference: ref, expensive: false });
    }
    const globals = await this.userVariables(frame.callFrameId);
    if (globals) scopes.push({ name: "Globals", variablesReference: this.ref({ kind: "object", objectId: globals }), expensive: false });
    return { scopes };
  }

  /** The object of the user's variables (what the cells declared), evaluated in the runtime. */
  private async userVariables(callFrameId?: string): Promise<string | null> {
    const r = await this.evaluateRaw("globalThis.__modelbench_debug__.user()", callFrameId);
    return r.result?.objectId ?? null;
  }

  async variables(args: { variablesReference?: number; start?: number; count?: number }): Promise<object> {
    const n = Number(args.variablesReference);
    const ref = this.refs.get(n);
    // One handed out before the runtime resumed: its frame is gone, so it has no variables now (the
    // panel asks again as it redraws after Continue; an error there breaks JupyterLab's panel).
    if (!ref && Number.isInteger(n) && n > 0 && n < this.nextRef) return { variables: [] };
    if (!ref) throw new DebugRequestError(`unknown variablesReference ${JSON.stringify(args.variablesReference)}: references last until the runtime resumes`);
    const link = this.connectedLink();
    const objectIds = ref.kind === "object" ? [ref.objectId] : ref.objectIds;
    const hide = ref.kind === "scope" ? ref.hide : new Set<string>();
    const seen = new Set<string>();
    const variables: object[] = [];
    for (const objectId of objectIds) {
      const r = await link.send("Runtime.getProperties", { objectId, ownProperties: true, generatePreview: true });
      for (const p of r.result ?? []) {
        if (hide.has(p.name) || seen.has(p.name) || p.name === "__proto__" || !p.value) continue;
        seen.add(p.name);
        variables.push(this.variable(p.name, p.value));
      }
    }
    const start = args.start ?? 0;
    return { variables: args.count ? variables.slice(start, start + args.count) : variables.slice(start) };
  }

  private variable(name: string, value: any): object {
    const expandable = value.objectId && (value.type === "object" || value.type === "function") && value.subtype !== "null";
    // JupyterLab's variable tree shows a value's `type` when it has one (it knows only Python's
    // int, float, str and bool as values): primitives go without, so the tree shows their value.
    const type = expandable ? value.className ?? value.subtype ?? value.type : undefined;
    return {
      name,
      value: describe(value),
      ...(type ? { type } : {}),
      evaluateName: name,
      variablesReference: expandable ? this.ref({ kind: "object", objectId: value.objectId }) : 0,
    };
  }

  async evaluate(args: { expression?: string; frameId?: number }): Promise<object> {
    if (typeof args.expression !== "string") throw new DebugRequestError("evaluate needs an `expression` (a string)");
    const frame = this.paused && args.frameId !== undefined ? this.callFrame(args.frameId) : null;
    const r = await this.evaluateInScope(args.expression, frame?.callFrameId);
    const v: any = this.variable("", r);
    return { result: v.value, type: v.type, variablesReference: v.variablesReference };
  }

  async richInspectVariables(args: { variableName?: string; frameId?: number }): Promise<object> {
    const name = args.variableName;
    if (typeof name !== "string" || !/^[A-Za-z_$][\w$]*$/.test(name)) throw new DebugRequestError(`richInspectVariables needs a variable name, not ${JSON.stringify(name)}`);
    const frame = this.paused && args.frameId !== undefined ? this.callFrame(args.frameId) : null;
    const r = await this.evaluateInScope(`globalThis.__modelbench_debug__.rich(${name})`, frame?.callFrameId, true);
    const out = JSON.parse(String(r.value));
    return { data: out.data ?? {}, metadata: out.metadata ?? {} };
  }

  async inspectVariables(): Promise<object> {
    const objectId = await this.userVariables(this.paused?.callFrames[0]?.callFrameId);
    if (!objectId) return { variables: [] };
    return this.variables({ variablesReference: this.ref({ kind: "object", objectId }) });
  }

  async modules(args: { startModule?: number; moduleCount?: number }): Promise<object> {
    const r = await this.evaluateRaw("globalThis.__modelbench_debug__.modules()", this.paused?.callFrames[0]?.callFrameId, true);
    if (r.exceptionDetails) throw new DebugRequestError("the runtime could not list its modules");
    const all: object[] = r.result?.value ?? [];
    const start = args.startModule ?? 0;
    return { modules: args.moduleCount ? all.slice(start, start + args.moduleCount) : all.slice(start), totalModules: all.length };
  }

  source(args: { source?: { path?: string } }): object {
    const file = args.source?.path;
    if (typeof file !== "string" || !path.isAbsolute(file)) throw new DebugRequestError("source needs `source.path`, an absolute path");
    try {
      return { content: fs.readFileSync(file, "utf8") };
    } catch {
      throw new DebugRequestError(`no source at ${file}`);
    }
  }

  async resumeWith(method: "Debugger.resume" | "Debugger.stepOver" | "Debugger.stepInto" | "Debugger.stepOut"): Promise<object> {
    if (!this.paused) throw new DebugRequestError("the runtime is not paused");
    this.lastStep = method === "Debugger.resume" ? null : method;
    await this.connectedLink().send(method);
    return method === "Debugger.resume" ? { allThreadsContinued: true } : {};
  }

  async pause(): Promise<object> {
    if (this.paused) return {};
    this.lastStep = "Debugger.pause";
    await this.connectedLink().send("Debugger.pause");
    return {};
  }

  async disconnect(): Promise<object> {
    this.started = false;
    this.breakpoints.clear();
    if (this.link?.connected) {
      for (const ids of this.placed.values()) for (const id of ids) await this.link.send("Debugger.removeBreakpoint", { breakpointId: id }).catch(() => undefined);
      await this.link.send("Debugger.disable").catch(() => undefined);
    }
    this.debuggee.detach();
    this.link?.drop();
    this.forgetRuntime();
    return {};
  }

  // ---- helpers

  private connectedLink(): CdpLink {
    if (!this.started || !this.link) throw new DebugRequestError("the debugger is not started: send initialize and attach first");
    if (!this.link.connected) throw new DebugRequestError("the runtime is not connected to the debugger (it died or is being restarted): try again once it is back");
    return this.link;
  }

  private ref(r: Ref): number {
    const id = this.nextRef++;
    this.refs.set(id, r);
    return id;
  }

  private async evaluateRaw(expression: string, callFrameId?: string, returnByValue = false): Promise<any> {
    const link = this.connectedLink();
    const common = { expression, generatePreview: true, returnByValue, silent: true };
    return callFrameId ? link.send("Debugger.evaluateOnCallFrame", { callFrameId, ...common }) : link.send("Runtime.evaluate", common);
  }

  /** Evaluates in a frame (or globally), where earlier cells' variables are found too: tslab keeps
   * them on its exports object, not in any scope. */
  private async evaluateInScope(expression: string, callFrameId?: string, returnByValue = false): Promise<any> {
    let r = await this.evaluateRaw(expression, callFrameId, returnByValue);
    if (r.exceptionDetails && /ReferenceError/.test(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text ?? "")) {
      const wrapped = `(function () { with (globalThis.__tslab__.exports) { return eval(${JSON.stringify(expression)}); } })()`;
      r = await this.evaluateRaw(wrapped, callFrameId, returnByValue);
    }
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new DebugRequestError(String(d.exception?.description ?? d.text ?? "evaluation failed").split("\n")[0]);
    }
    return r.result;
  }
}

/** How a value reads in the Variables panel: primitives as literals, objects from their preview. */
export function describe(v: any): string {
  if (v.type === "string") return JSON.stringify(v.value);
  if (v.type === "undefined") return "undefined";
  if (v.type !== "object" && v.type !== "function") return v.description ?? String(v.value);
  if (v.subtype === "null") return "null";
  const p = v.preview;
  if (v.type === "function") return String(v.description ?? "function").split("\n")[0].replace(/\s*\{\s*$/, "");
  if (!p) return v.description ?? v.className ?? "Object";
  const items = (p.properties ?? []).map((q: any) => (p.subtype === "array" ? valueText(q) : `${q.name}: ${valueText(q)}`));
  if (p.overflow) items.push("…");
  if (p.subtype === "array") return `${v.description ?? ""} [${items.join(", ")}]`.trim();
  const prefix = v.className && v.className !== "Object" ? `${v.className} ` : "";
  return `${prefix}{${items.join(", ")}}`;
}

function valueText(q: any): string {
  return q.type === "string" ? JSON.stringify(q.value) : String(q.value ?? q.type);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const COMMANDS: Record<string, Command> = {
  initialize: (a) => a.initialize(),
  attach: (a) => a.attach(),
  debugInfo: (a) => a.debugInfo(),
  dumpCell: (a, args) => a.dumpCell(args),
  setBreakpoints: (a, args) => a.setBreakpoints(args),
  setExceptionBreakpoints: (a, args) => a.setExceptionBreakpoints(args),
  configurationDone: () => ({}),
  threads: (a) => a.threads(),
  stackTrace: (a, args) => a.stackTrace(args),
  scopes: (a, args) => a.scopes(args),
  variables: (a, args) => a.variables(args),
  evaluate: (a, args) => a.evaluate(args),
  richInspectVariables: (a, args) => a.richInspectVariables(args),
  inspectVariables: (a) => a.inspectVariables(),
  modules: (a, args) => a.modules(args),
  source: (a, args) => a.source(args),
  continue: (a) => a.resumeWith("Debugger.resume"),
  next: (a) => a.resumeWith("Debugger.stepOver"),
  stepIn: (a) => a.resumeWith("Debugger.stepInto"),
  stepOut: (a) => a.resumeWith("Debugger.stepOut"),
  pause: (a) => a.pause(),
  disconnect: (a) => a.disconnect(),
};
