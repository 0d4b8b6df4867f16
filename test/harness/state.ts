import type { LocalStack } from '../../tools/stack/src';

/** What global-setup hands to global-teardown (both run in Jest's parent process). */
export interface HarnessState {
  stack: LocalStack;
  dataDir: string;
}

const KEY = Symbol.for('event-jobs.test-harness');

type HarnessGlobal = typeof globalThis & { [KEY]?: HarnessState };

export function setHarnessState(state: HarnessState | undefined): void {
  (globalThis as HarnessGlobal)[KEY] = state;
}

export function getHarnessState(): HarnessState | undefined {
  return (globalThis as HarnessGlobal)[KEY];
}
