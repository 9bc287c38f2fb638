// What a magic declares about itself: used for parsing, --help, %lsmagic and completion.

export interface OptionSpec {
  name: string;
  short?: string;
  type: "string" | "number" | "int" | "boolean" | "list";
  help: string;
  default?: unknown;
  min?: number;
  /** Values the option takes, offered by completion after the flag. */
  choices?: string[];
}

export interface PositionalSpec {
  name: string;
  help: string;
  required?: boolean;
  rest?: boolean;
}

export interface MagicSpec {
  name: string;
  /** Usable as `%name` on a line, as `%%name` on a cell's first line, or both. */
  line: boolean;
  cell: boolean;
  summary: string;
  /** e.g. "%timeit [-n N] [-r R] statement" */
  usage: string;
  options: OptionSpec[];
  positional?: PositionalSpec[];
  /** The tail after the options is code and is passed on untouched. */
  rawTail?: boolean;
  examples?: string[];
}

export function formatHelp(spec: MagicSpec): string {
  const lines = [spec.usage, "", spec.summary];
  if (spec.positional?.length) {
    lines.push("", "Arguments:");
    for (const p of spec.positional) lines.push(`  ${p.name.padEnd(18)} ${p.help}`);
  }
  if (spec.options.length) {
    lines.push("", "Options:");
    for (const o of spec.options) {
      const flag = (o.short ? `-${o.short}, ` : "") + `--${o.name}` + (o.type === "boolean" ? "" : ` <${o.type}>`);
      const def = o.default !== undefined ? ` (default: ${o.default})` : "";
      lines.push(`  ${flag.padEnd(24)} ${o.help}${def}`);
    }
  }
  lines.push(`  ${"-h, --help".padEnd(24)} show this help`);
  if (spec.examples?.length) lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  return lines.join("\n");
}

/** Magics by name: specs alone (the protocol process) or specs with their implementations (the runtime). */
export class MagicRegistry<D extends { spec: MagicSpec }> {
  private byName = new Map<string, D>();

  constructor(defs: readonly D[] = []) {
    for (const d of defs) this.register(d);
  }

  register(def: D): void {
    this.byName.set(def.spec.name, def);
  }

  get(name: string): D | undefined {
    return this.byName.get(name);
  }

  all(): D[] {
    return [...this.byName.values()].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }

  isLineMagic = (name: string): boolean => !!this.byName.get(name)?.spec.line;
}
