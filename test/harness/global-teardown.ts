import * as fs from 'node:fs';
import { getHarnessState, setHarnessState } from './state';

/** Stops what global-setup started and deletes its temp folder (kept with TEST_KEEP_DATA=1). */
export default async function globalTeardown(): Promise<void> {
  const state = getHarnessState();
  if (!state) return;
  setHarnessState(undefined);
  try {
    await state.stack.stop();
  } finally {
    if (process.env.TEST_KEEP_DATA === '1') {
      console.log(`[harness] test data kept in ${state.dataDir}`);
    } else {
      await fs.promises.rm(state.dataDir, { recursive: true, force: true });
    }
  }
}
