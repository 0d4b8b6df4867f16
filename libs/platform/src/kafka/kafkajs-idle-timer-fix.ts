/**
 * KafkaJS 2.2.4 keeps a 1 ms timer running on every broker connection forever (kafkajs issue #1556,
 * the fix in pull request #1667 never merged): after each response its request queue "checks pending
 * requests later" even when nothing is pending, and with no throttle in force the delay it computes is
 * negative, which Node runs after 1 ms, and the check schedules the next one. Every connection of every
 * service woke its event loop about a thousand times a second: 40-100 ms of CPU per second per idle
 * service, about a fifth of this project's two-core test machine with the stack idle.
 *
 * The replacement schedules a check only while a request waits in the queue (sent when the client-side
 * throttle ends, or after 10 ms as KafkaJS does). Nothing else needs it: a request is queued only when
 * throttled or when the in-flight limit is reached, and each response that frees a slot checks the
 * queue itself.
 */

/** The fields of KafkaJS's RequestQueue (src/network/requestQueue) the replacement touches. */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

interface RequestQueueClass {
  prototype: RequestQueueInternals & { [FIXED]?: true };
}

/** How long KafkaJS waits before checking a queue that is not throttled (its CHECK_PENDING_REQUESTS_INTERVAL). */
const RECHECK_MS = 10;
const FIXED = Symbol.for('event-jobs.kafkajs-idle-timer-fix');

function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId !== null || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : RECHECK_MS,
  );
}

/** The RequestQueue class of the installed KafkaJS, or null when its internals are not the ones we know. */
export function kafkaRequestQueueClass(): RequestQueueClass | null {
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module: no types, no export map
    loaded = require('kafkajs/src/network/requestQueue');
  } catch {
    return null;
  }
  const prototype = (loaded as { prototype?: Partial<RequestQueueInternals> } | null)?.prototype;
  return typeof prototype?.scheduleCheckPendingRequests === 'function' &&
    typeof prototype.checkPendingRequests === 'function'
    ? (loaded as RequestQueueClass)
    : null;
}

/**
 * Replaces the request queue's scheduling once per process. Returns whether the fix is in place (false
 * only if a KafkaJS upgrade moved its internals: the unit test then fails, telling whoever upgrades to
 * check whether the loop is still there).
 */
export function installKafkaIdleTimerFix(): boolean {
  const queue = kafkaRequestQueueClass();
  if (queue === null) return false;
  if (queue.prototype[FIXED]) return true;
  queue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  queue.prototype[FIXED] = true;
  return true;
}
