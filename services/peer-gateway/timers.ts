// The gateway's timers: periodic tasks at exponentially distributed intervals (as the reference
// schedules its P2P loops) and sleeps, all cancelled together when the gateway stops.
export interface TaskLog {
  error(msg: string, fields?: Record<string, unknown>): void;
}

export class GatewayTimers {
  running = false;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #random: () => number;
  readonly #log: TaskLog;

  constructor(random: () => number, log: TaskLog) {
    this.#random = random;
    this.#log = log;
  }

  /** Runs `fn` again and again, `mean()` ms apart on average (exactly, when `random` is false). */
  every(mean: () => number, fn: () => void, random = true): void {
    const schedule = () => {
      if (!this.running) return;
      const t = setTimeout(
        () => {
          this.#timers.delete(t);
          if (!this.running) return;
          try {
            fn();
          } catch (e) {
            this.#log.error('periodic task failed', { error: (e as Error).stack });
          }
          schedule();
        },
        random ? expo(mean(), this.#random) : mean(),
      );
      t.unref();
      this.#timers.add(t);
    };
    schedule();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }

  stop(): void {
    this.running = false;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

/** An exponentially distributed delay with the given mean. */
export function expo(mean: number, random: () => number): number {
  return -Math.log(1 - random()) * mean;
}
