// A keyed work queue as controllers use it: a key waits at most once (adds while queued merge), is
// never processed by two workers at once (an add while processing re-queues it after), and failing
// keys come back after a per-key exponential backoff that resets on success.

export interface QueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Timer seam for tests. */
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void } | unknown;
  clearTimer?: (t: unknown) => void;
}

export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #delayed = new Map<string, unknown>();
  readonly #waiters: ((key: string | null) => void)[] = [];
  readonly #base: number;
  readonly #max: number;
  readonly #setTimer: NonNullable<QueueOptions['setTimer']>;
  readonly #clearTimer: NonNullable<QueueOptions['clearTimer']>;
  #closed = false;

  constructor(opts: QueueOptions = {}) {
    this.#base = opts.baseDelayMs ?? 5;
    this.#max = opts.maxDelayMs ?? 300_000;
    this.#setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
    this.#clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  }

  get length(): number {
    return this.#queue.length;
  }

  add(key: string): void {
    if (this.#closed) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    const w = this.#waiters.shift();
    if (w) {
      this.#queued.delete(key);
      this.#processing.add(key);
      w(key);
    } else this.#queue.push(key);
  }

  /** Adds the key after delayMs; an earlier pending delayed add is replaced. */
  addAfter(key: string, delayMs: number): void {
    const old = this.#delayed.get(key);
    if (old !== undefined) this.#clearTimer(old);
    this.#delayed.set(
      key,
      this.#setTimer(() => {
        this.#delayed.delete(key);
        this.add(key);
      }, delayMs),
    );
  }

  /** The delay the next failure of key will wait: base·2^failures, capped. */
  backoff(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    return Math.min(this.#max, this.#base * 2 ** n);
  }

  /** Re-queue after a failure with the key's backoff. */
  retry(key: string): number {
    const delay = this.backoff(key);
    this.#failures.set(key, (this.#failures.get(key) ?? 0) + 1);
    this.addAfter(key, delay);
    return delay;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** The next key to process (null once closed); call done(key) when finished with it. */
  async get(): Promise<string | null> {
    if (this.#closed) return null;
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#queued.delete(key);
      this.#processing.add(key);
      return key;
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#delayed.values()) this.#clearTimer(t);
    this.#delayed.clear();
    for (const w of this.#waiters.splice(0)) w(null);
  }
}
