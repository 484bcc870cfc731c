// "Ask until the other service answers": the one loop every service uses at start for state it
// missed (a template, a work basis, its payout address), stopping when the service stops.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  stopped(): boolean;
  /** Wait before the next attempt; `n` counts the attempts made so far (1 after the first). */
  delayMs: number | ((n: number) => number);
  onError?(error: unknown, n: number): void;
}

/** Calls `attempt` until it returns true (then true) or `stopped()` (then false); errors count as "not yet". */
export async function retryUntil(attempt: () => Promise<boolean>, o: RetryOptions): Promise<boolean> {
  for (let n = 1; !o.stopped(); n++) {
    try {
      if (await attempt()) return true;
    } catch (e) {
      o.onError?.(e, n);
    }
    if (o.stopped()) break;
    await sleep(typeof o.delayMs === 'number' ? o.delayMs : o.delayMs(n), undefined, { ref: false });
  }
  return false;
}
