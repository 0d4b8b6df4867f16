/**
 * Deterministic near-miss variants of a valid value, for tests that compare two validators: at every
 * position (each key of each object, each item of each array, and the root) the value is dropped,
 * replaced by odd values of every type, nudged (numbers +-1, strings longer / empty / re-cased), and every
 * object gets unknown keys (including `__proto__`, `constructor`, `toString`). Then seeded random
 * combinations of those.
 */

export interface Mutation {
  description: string;
  value: unknown;
}

type Path = (string | number)[];

class Thing {
  a = 1;
}

function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** Values of every kind: JSON ones, and what only code (not JSON.parse) can put in an object. */
export function oddValues(): readonly { name: string; value: unknown }[] {
  return ODD_VALUES;
}

const ODD_VALUES = makeOddValues();

function makeOddValues(): { name: string; value: unknown }[] {
  const values: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['true', true],
    ['false', false],
    ['0', 0],
    ['-0', -0],
    ['-1', -1],
    ['1', 1],
    ['0.5', 0.5],
    ['1e21', 1e21],
    ['-1e21', -1e21],
    ['2^53+2', 2 ** 53 + 2],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['""', ''],
    ['" "', ' '],
    ['"x"', 'x'],
    ['long string', 'a'.repeat(3000)],
    ['"0"', '0'],
    ['"12"', '12'],
    ['"true"', 'true'],
    ['"null"', 'null'],
    ['iso time', '2025-01-02T03:04:05.678Z'],
    ['iso time no fraction', '2025-01-02T03:04:05Z'],
    ['iso time +01:00', '2025-01-02T03:04:05+01:00'],
    ['iso impossible day', '2025-02-30T00:00:00Z'],
    ['iso hour 24', '2025-01-02T24:00:00Z'],
    ['iso date only', '2025-01-02'],
    ['uuid v4', '3b241101-e2bb-4255-8caf-4136c566a962'],
    ['uuid v5', '8b2e4f3a-1c2d-5e6f-8a9b-0c1d2e3f4a5b'],
    ['uuid upper', '3B241101-E2BB-4255-8CAF-4136C566A962'],
    ['not uuid', '3b241101-e2bb-4255-8caf-4136c566a96'],
    ['https url', 'https://example.com/'],
    ['ftp url', 'ftp://example.com/'],
    ['relative url', '/relative'],
    ['sha256', 'f'.repeat(64)],
    ['SHA256 upper', 'F'.repeat(64)],
    ['emoji', '\u{1F600}'.repeat(70)],
    ['nul char', 'a\u0000b'],
    ['[]', []],
    ['[1]', [1]],
    ['["x"]', ['x']],
    ['[null]', [null]],
    ['[{}]', [{}]],
    ['[[]]', [[]]],
    ['sparse array', [, 1]], // eslint-disable-line no-sparse-arrays
    ['{}', {}],
    ['{a:1}', { a: 1 }],
    ['{toString:1}', { toString: 1 }],
    ['{constructor:1}', JSON.parse('{"constructor": 1}')],
    ['{__proto__:{x:1}}', JSON.parse('{"__proto__": {"x": 1}}')],
    ['null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
    ['Date', new Date(0)],
    ['class instance', new Thing()],
    ['Map', new Map([['a', 1]])],
    ['Set', new Set([1])],
    ['Buffer', Buffer.from('ab')],
    ['bigint', 10n],
    ['symbol', Symbol('s')],
    ['function', () => 1],
    ['deeply nested', deeplyNested(80)],
  ];
  return values.map(([name, value]) => ({ name, value }));
}

const UNKNOWN_KEYS = [
  'extra',
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
  'then',
  '',
  '0',
];
const UNKNOWN_KEY_VALUES: unknown[] = [1, 'x', null, {}, { a: 1 }, undefined];

/** A deep copy that keeps what structuredClone would not: own `__proto__` keys, prototypes, functions. */
function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, key, {
        value: clone(value[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

function childrenOf(value: unknown): (string | number)[] {
  if (Array.isArray(value)) return value.map((_, i) => i);
  return isPlainObject(value) ? Object.keys(value) : [];
}

/** Long arrays (return series, link lists) are varied at their first two and last items only. */
function varied(value: unknown): (string | number)[] {
  const children = childrenOf(value);
  if (!Array.isArray(value) || children.length <= 3) return children;
  return [0, 1, children.length - 1];
}

function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  for (const key of varied(value))
    out.push(...paths((value as Record<string, unknown>)[key], [...prefix, key]));
  return out;
}

function at(value: unknown, path: Path): unknown {
  let node = value;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node;
}

/** A copy of `root` with `path` set to `replacement` (or removed when `remove`). */
function withChange(
  root: unknown,
  path: Path,
  change: (parent: unknown, key: string | number) => void,
): unknown {
  const copy = clone(root);
  if (path.length === 0) return copy;
  change(at(copy, path.slice(0, -1)), path[path.length - 1]);
  return copy;
}

function set(root: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  return withChange(root, path, (parent, key) =>
    Object.defineProperty(parent, key, {
      value: replacement,
      enumerable: true,
      writable: true,
      configurable: true,
    }),
  );
}

function remove(root: unknown, path: Path): unknown {
  return withChange(root, path, (parent, key) => {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string | number, unknown>)[key];
  });
}

function nudges(value: unknown): { name: string; value: unknown }[] {
  if (typeof value === 'number') {
    return [
      { name: '+1', value: value + 1 },
      { name: '-1', value: value - 1 },
      { name: 'negated', value: -value },
      { name: '+0.5', value: value + 0.5 },
      { name: 'x1e6', value: value * 1e6 },
      { name: 'as string', value: String(value) },
    ];
  }
  if (typeof value === 'string') {
    return [
      { name: 'longer', value: `${value}x` },
      { name: 'shorter', value: value.slice(1) },
      { name: 'upper case', value: value.toUpperCase() },
      { name: 'padded', value: ` ${value} ` },
      { name: 'x50', value: value.repeat(50) },
      { name: 'as number', value: Number(value) },
    ];
  }
  if (Array.isArray(value)) {
    return [
      { name: 'first item twice', value: [...(value as unknown[]), ...(value as unknown[]).slice(0, 1)] },
      {
        name: 'as object',
        value: Object.fromEntries(Array.from(value as unknown[], (item, i) => [String(i), item])),
      },
      { name: 'wrapped', value: [value] },
    ];
  }
  if (value !== null && typeof value === 'object') {
    return [
      { name: 'wrapped in array', value: [value] },
      { name: 'as entries', value: Object.entries(value) },
    ];
  }
  return [];
}

function describe(path: Path): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/** Every single-step mutation of `root`, in a fixed order. */
export function singleMutations(root: unknown): Mutation[] {
  const out: Mutation[] = [];
  for (const path of paths(root)) {
    const where = describe(path);
    const here = at(root, path);
    if (path.length > 0) out.push({ description: `${where}: removed`, value: remove(root, path) });
    for (const odd of ODD_VALUES)
      out.push({ description: `${where} = ${odd.name}`, value: set(root, path, odd.value) });
    for (const nudge of nudges(here))
      out.push({ description: `${where}: ${nudge.name}`, value: set(root, path, nudge.value) });
    const siblings = path.length === 0 ? [] : varied(at(root, path.slice(0, -1)));
    for (const sibling of siblings) {
      if (sibling === path[path.length - 1]) continue;
      const value = at(root, [...path.slice(0, -1), sibling]);
      out.push({
        description: `${where} = value of ${String(sibling)}`,
        value: set(root, path, clone(value)),
      });
    }
    if (isPlainObject(here)) {
      for (const key of UNKNOWN_KEYS) {
        for (const extra of UNKNOWN_KEY_VALUES) {
          out.push({
            description: `${where} + ${JSON.stringify(key)}: ${String(JSON.stringify(extra))}`,
            value: set(root, [...path, key], extra),
          });
        }
      }
    }
  }
  return out;
}

/** mulberry32: a small seeded PRNG, so every run tests the same cases. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` variants of `root` with two or three random single mutations applied one after another. */
export function combinedMutations(root: unknown, count: number, random: () => number): Mutation[] {
  const out: Mutation[] = [];
  for (let n = 0; n < count; n++) {
    let value = root;
    const steps: string[] = [];
    const rounds = 2 + Math.floor(random() * 2);
    for (let r = 0; r < rounds; r++) {
      const options = singleMutationsSample(value, random);
      if (options === null) break;
      value = options.value;
      steps.push(options.description);
    }
    out.push({ description: steps.join(' then '), value });
  }
  return out;
}

function singleMutationsSample(root: unknown, random: () => number): Mutation | null {
  const all = paths(root);
  const path = all[Math.floor(random() * all.length)];
  const where = describe(path);
  const choice = random();
  if (choice < 0.15 && path.length > 0)
    return { description: `${where}: removed`, value: remove(root, path) };
  if (choice < 0.3) {
    const nudgesHere = nudges(at(root, path));
    if (nudgesHere.length > 0) {
      const nudge = nudgesHere[Math.floor(random() * nudgesHere.length)];
      return { description: `${where}: ${nudge.name}`, value: set(root, path, nudge.value) };
    }
  }
  if (choice < 0.4) {
    const key = UNKNOWN_KEYS[Math.floor(random() * UNKNOWN_KEYS.length)];
    if (isPlainObject(at(root, path))) {
      return { description: `${where} + ${JSON.stringify(key)}`, value: set(root, [...path, key], 1) };
    }
  }
  const odd = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  return { description: `${where} = ${odd.name}`, value: set(root, path, odd.value) };
}
