import { escapeUnstorable, type FieldError } from '@app/contracts';
import { INPUT_LIMIT_VARIABLES, type InputLimits } from './input-limits';

/** Where the walked input came from; named in the answer. */
export type InputSource = 'body' | 'query string';

/** The first limit an input breaks: the status to answer, a detail naming the limit, the offending path. */
export interface LimitBreach {
  status: 400 | 413;
  detail: string;
  error: FieldError;
}

/** One object or array being walked: its property names (null for an array), and the next index to visit. */
interface Frame {
  readonly container: object;
  readonly keys: readonly string[] | null;
  readonly size: number;
  next: number;
}

const SHOWN_KEY_LENGTH = 64;

/**
 * The first limit `input` breaks, or null. One depth-first walk with an explicit stack (never
 * recursion, so a 100,000-level document costs one frame per level up to the limit and then stops);
 * containers are measured when entered, before their children are visited. Plain JSON-like values
 * only: what JSON.parse, a query parser or multer produces.
 *
 * Size limits (keys, items, string length) of a body answer 413; nesting, a non-finite number
 * (`1e999` parses to Infinity, which JSON cannot carry back out) and everything in a query string 400.
 */
export function findLimitBreach(
  input: unknown,
  limits: InputLimits,
  source: InputSource,
): LimitBreach | null {
  if (input === null || typeof input !== 'object') return checkLeaf(input, limits, source, []);
  const frames: Frame[] = [];
  const state = { totalKeys: 0 };
  const opened = open(input, frames, limits, source, state);
  if (opened) return opened;
  while (frames.length > 0) {
    const top = frames[frames.length - 1];
    if (top.next === top.size) {
      frames.pop();
      continue;
    }
    const index = top.next++;
    const child =
      top.keys === null
        ? (top.container as unknown[])[index]
        : (top.container as Record<string, unknown>)[top.keys[index]];
    if (child === null || typeof child !== 'object') {
      const bad = checkLeaf(child, limits, source, frames);
      if (bad) return bad;
      continue;
    }
    if (frames.length >= limits.maxDepth) {
      return breach(
        400,
        `${source} nesting deeper than ${limits.maxDepth} levels`,
        'maxDepth',
        frames,
        `nested deeper than ${limits.maxDepth} levels`,
      );
    }
    const bad = open(child, frames, limits, source, state);
    if (bad) return bad;
  }
  return null;
}

/** Measures a container and pushes its frame; a breach names the container's own path. */
function open(
  container: object,
  frames: Frame[],
  limits: InputLimits,
  source: InputSource,
  state: { totalKeys: number },
): LimitBreach | null {
  const sizeStatus = source === 'body' ? 413 : 400;
  if (Array.isArray(container)) {
    if (container.length > limits.maxArrayItems) {
      return breach(
        sizeStatus,
        `an array in the ${source} has more than ${limits.maxArrayItems} items`,
        'maxArrayItems',
        frames,
        `has ${container.length} items, more than ${limits.maxArrayItems}`,
      );
    }
    frames.push({ container, keys: null, size: container.length, next: 0 });
    return null;
  }
  const keys = Object.keys(container);
  if (keys.length > limits.maxKeysPerObject) {
    return breach(
      sizeStatus,
      `an object in the ${source} has more than ${limits.maxKeysPerObject} properties`,
      'maxKeysPerObject',
      frames,
      `has ${keys.length} properties, more than ${limits.maxKeysPerObject}`,
    );
  }
  state.totalKeys += keys.length;
  if (state.totalKeys > limits.maxTotalKeys) {
    return breach(
      sizeStatus,
      `the ${source} has more than ${limits.maxTotalKeys} properties in all`,
      'maxTotalKeys',
      frames,
      `more than ${limits.maxTotalKeys} properties in all`,
    );
  }
  for (let index = 0; index < keys.length; index++) {
    if (keys[index].length > limits.maxStringLength) {
      const at: Frame = { container, keys, size: keys.length, next: index + 1 };
      return breach(
        sizeStatus,
        `a property name in the ${source} is longer than ${limits.maxStringLength} characters`,
        'maxStringLength',
        [...frames, at],
        `property name is ${keys[index].length} characters long, more than ${limits.maxStringLength}`,
      );
    }
  }
  frames.push({ container, keys, size: keys.length, next: 0 });
  return null;
}

function checkLeaf(
  value: unknown,
  limits: InputLimits,
  source: InputSource,
  frames: readonly Frame[],
): LimitBreach | null {
  if (typeof value === 'string') {
    if (value.length <= limits.maxStringLength) return null;
    return breach(
      source === 'body' ? 413 : 400,
      `a string in the ${source} is longer than ${limits.maxStringLength} characters`,
      'maxStringLength',
      frames,
      `is ${value.length} characters long, more than ${limits.maxStringLength}`,
    );
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return {
      status: 400,
      detail: `a number in the ${source} is out of range (it parses to ${value}); numbers must be finite`,
      error: { path: pathOf(frames), message: 'must be a finite number' },
    };
  }
  return null;
}

function breach(
  status: 400 | 413,
  detail: string,
  limit: keyof InputLimits,
  frames: readonly Frame[],
  message: string,
): LimitBreach {
  const variable = INPUT_LIMIT_VARIABLES[limit];
  return {
    status,
    detail: `${detail} (${variable})`,
    error: { path: pathOf(frames), message: `${message} (${variable})` },
  };
}

/** The dotted path (`input.positions.3`) of the value each frame's last visited index points at. */
function pathOf(frames: readonly Frame[]): string {
  if (frames.length === 0) return '(root)';
  let path = '';
  for (const frame of frames) {
    const index = frame.next - 1;
    if (index < 0) break;
    const segment = frame.keys === null ? String(index) : shownKey(frame.keys[index]);
    path = path ? `${path}.${segment}` : segment;
  }
  return path || '(root)';
}

/** A property name as a path segment: escaped (it may hold a lone surrogate) and cut to a readable length. */
function shownKey(key: string): string {
  const shown = key.length > SHOWN_KEY_LENGTH ? `${key.slice(0, SHOWN_KEY_LENGTH)}…` : key;
  return escapeUnstorable(shown);
}
