// Keeps one aux chain's work current: polls the daemon (the daemons offer no long poll for aux work),
// reports each new aux block, backs off while the daemon is down or answers garbage, and recovers by
// itself. A chain whose daemon stays unreachable past `staleAfterMs` is dropped from the tree (its
// last block is then likely stale) and comes back with its next good answer.
import type { AuxBlock, AuxDaemon } from './aux-daemon.ts';

export interface PollerLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface ChainPollerOptions {
  pollMs?: number;
  maxBackoffMs?: number;
  staleAfterMs?: number;
  log: PollerLog;
  /** A new aux block, or null when the chain leaves the tree. */
  onChange(block: AuxBlock | null): void;
  now?: () => number;
}

export interface ChainStatus {
  label: string;
  up: boolean;
  block: AuxBlock | null;
  error: string | null;
  failures: number;
}

export class ChainPoller {
  readonly daemon: AuxDaemon;
  private readonly o: ChainPollerOptions;
  private readonly now: () => number;
  private block: AuxBlock | null = null;
  private lastOkAt = 0;
  private error: string | null = null;
  private failures = 0;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(daemon: AuxDaemon, o: ChainPollerOptions) {
    this.daemon = daemon;
    this.o = o;
    this.now = o.now ?? Date.now;
  }

  get status(): ChainStatus {
    return {
      label: this.daemon.chain.label,
      up: this.error === null && this.block !== null,
      block: this.block,
      error: this.error,
      failures: this.failures,
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
    this.daemon.close();
  }

  /** One fetch (also what the loop does each round; a long poll when the daemon offers one); never throws. */
  async poll(): Promise<void> {
    const label = this.daemon.chain.label;
    try {
      const longPollId = this.failures === 0 ? (this.block?.template?.longPollId ?? undefined) : undefined;
      const b = await this.daemon.fetchWork({ longPollId, signal: this.stopper.signal });
      if (this.stopper.signal.aborted) return;
      if (this.error !== null) this.o.log.info('aux daemon answers again', { chain: label, after: this.failures });
      this.error = null;
      this.failures = 0;
      this.lastOkAt = this.now();
      const prev = this.block;
      if (prev === null || prev.hash !== b.hash || prev.target !== b.target || prev.chainId !== b.chainId) {
        this.block = b;
        this.o.onChange(b);
      }
    } catch (e) {
      if (this.stopper.signal.aborted) return; // a long poll cut short by stop()
      const msg = (e as Error).message;
      this.failures++;
      // Logged when the reason changes, not every round.
      if (msg !== this.error) this.o.log.warn('aux daemon unusable; retrying with backoff', { chain: label, error: msg });
      this.error = msg;
      if (this.block !== null && this.now() - this.lastOkAt > (this.o.staleAfterMs ?? 60_000)) {
        this.block = null;
        this.o.log.warn('aux chain left the merged-mining tree until its daemon answers', { chain: label });
        this.o.onChange(null);
      }
    }
  }

  private async run(): Promise<void> {
    const signal = this.stopper.signal;
    const pollMs = this.o.pollMs ?? 1000;
    while (!signal.aborted) {
      await this.poll();
      // A daemon offering long polls is asked again at once (the next call waits at the daemon).
      const delay =
        this.failures === 0
          ? this.block?.template?.longPollId
            ? 0
            : pollMs
          : Math.min(pollMs * 2 ** Math.min(this.failures, 10), this.o.maxBackoffMs ?? 30_000);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, delay);
        function done() {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}
