/** A configuration problem found at start-up; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** What a reader call says about its variable, for the generated docs/configuration.md. */
export interface VariableDoc {
  /** What the variable does, in a phrase (markdown). */
  doc?: string;
  /** The default as a reader should see it, when the value depends on other settings or the machine. */
  defaultDoc?: string;
}

interface Common<T> extends VariableDoc {
  default?: T;
}

/** One variable as a config reader asked for it: name, kind, default and bounds (never the value set). */
export interface VariableRead extends VariableDoc {
  name: string;
  kind: 'string' | 'int' | 'bool' | 'oneOf' | 'list' | 'url';
  /** Read with optionalString: unset is a valid state of its own, not a missing value. */
  optional?: boolean;
  default?: string | number | boolean | readonly string[];
  min?: number;
  max?: number;
  choices?: readonly string[];
  protocols?: readonly string[];
  hint?: string;
}

// Module-level so the services' config loaders, which build their own readers, need no extra parameter
// to be documented; only recordVariableReads sets it, and only for one synchronous call.
let recordedReads: VariableRead[] | undefined;

/**
 * Runs `load` (a config loader) and returns every variable its readers asked for. A ConfigError the
 * loader throws (the environment lacks a required value) is ignored: the reads before it count.
 */
export function recordVariableReads(load: () => unknown): VariableRead[] {
  const reads: VariableRead[] = [];
  recordedReads = reads;
  try {
    load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  } finally {
    recordedReads = undefined;
  }
  return reads;
}

/**
 * Reads environment variables into typed values, collecting every problem instead of stopping at the
 * first, so one start-up attempt tells the operator everything that is wrong. Call `done()` last.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  private note(read: VariableRead): void {
    recordedReads?.push(read);
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  private missing<T>(name: string, options: Common<T>): T {
    if (options.default !== undefined) return options.default;
    this.problems.push(`${name} is required`);
    return undefined as unknown as T;
  }

  string(name: string, options: Common<string> & { pattern?: RegExp; hint?: string } = {}): string {
    this.note({ name, kind: 'string', ...pickDoc(options), default: options.default, hint: options.hint });
    const value = this.raw(name);
    if (value === undefined) return this.missing(name, options);
    if (options.pattern && !options.pattern.test(value)) {
      this.problems.push(
        `${name}=${JSON.stringify(value)} is invalid${options.hint ? `: ${options.hint}` : ''}`,
      );
    }
    return value;
  }

  optionalString(name: string, options: VariableDoc = {}): string | undefined {
    this.note({ name, kind: 'string', optional: true, ...pickDoc(options) });
    return this.raw(name);
  }

  int(name: string, options: Common<number> & { min?: number; max?: number } = {}): number {
    const { min, max } = options;
    this.note({ name, kind: 'int', ...pickDoc(options), default: options.default, min, max });
    const value = this.raw(name);
    if (value === undefined) return this.missing(name, options);
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
      this.problems.push(`${name}=${JSON.stringify(value)} must be an integer`);
      return options.default ?? 0;
    }
    if (options.min !== undefined && parsed < options.min) {
      this.problems.push(`${name}=${parsed} must be >= ${options.min}`);
    }
    if (options.max !== undefined && parsed > options.max) {
      this.problems.push(`${name}=${parsed} must be <= ${options.max}`);
    }
    return parsed;
  }

  bool(name: string, options: Common<boolean> = {}): boolean {
    this.note({ name, kind: 'bool', ...pickDoc(options), default: options.default });
    const value = this.raw(name);
    if (value === undefined) return this.missing(name, options);
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
    this.problems.push(`${name}=${JSON.stringify(value)} must be true or false`);
    return options.default ?? false;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], options: Common<T> = {}): T {
    this.note({ name, kind: 'oneOf', ...pickDoc(options), default: options.default, choices: allowed });
    const value = this.raw(name);
    if (value === undefined) return this.missing(name, options);
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}=${JSON.stringify(value)} must be one of ${allowed.join(', ')}`);
      return options.default ?? allowed[0];
    }
    return value as T;
  }

  list(name: string, options: Common<string[]> = {}): string[] {
    this.note({ name, kind: 'list', ...pickDoc(options), default: options.default });
    const value = this.raw(name);
    if (value === undefined) return this.missing(name, options);
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    if (items.length === 0) this.problems.push(`${name} must list at least one value`);
    return items;
  }

  url(name: string, options: Common<string> & { protocols?: string[] } = {}): string {
    const { protocols } = options;
    this.note({ name, kind: 'url', ...pickDoc(options), default: options.default, protocols });
    const value = this.raw(name);
    if (value === undefined) return this.missing(name, options);
    try {
      const parsed = new URL(value);
      if (options.protocols && !options.protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${options.protocols.join(' or ')}`);
      }
    } catch {
      this.problems.push(`${name}=${JSON.stringify(value)} is not a URL`);
    }
    return value;
  }

  /** Records a problem that involves several variables (the message names them). */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws a ConfigError naming every problem found so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError([...this.problems]);
  }
}

function pickDoc(options: VariableDoc): VariableDoc {
  return { doc: options.doc, defaultDoc: options.defaultDoc };
}
