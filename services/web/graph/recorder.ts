// Keeps the web service's graph database: samples the node every few seconds (through the contracts,
// see graphSample in server.ts), saves it (store.ts) once a minute and on stop, and loads it on start,
// so a restart keeps the history. Saves are asynchronous and off every miner's path (the web service
// has none); a failed save is logged and retried at the next minute.
import type { Logger } from '../../runtime/log.ts';
import type { HistoryDatabase } from './history.ts';
import type { GraphStore } from './store.ts';
import { newHistory, recordSample, type Sample, type ShareCounts } from './streams.ts';

export interface RecorderOptions {
  // undefined: memory only.
  store?: GraphStore;
  sample: () => Promise<Sample>;
  log: Logger;
  sampleMs?: number;
  saveMs?: number;
  now?: () => number;
}

export class GraphRecorder {
  readonly db: HistoryDatabase = newHistory();
  readonly #opts: RecorderOptions;
  #timers: NodeJS.Timeout[] = [];
  #prev: ShareCounts | undefined;
  #lastAt: number | undefined;
  #saving: Promise<void> | undefined;
  #sampling = false;
  #saveFailed = false;

  constructor(opts: RecorderOptions) {
    this.#opts = opts;
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)() / 1000;
  }

  async start(): Promise<void> {
    const { store, log } = this.#opts;
    if (store) {
      try {
        const saved = await store.load();
        if (saved !== null) {
          this.db.load(saved);
          log.info('graph history loaded', { from: store.where });
        }
      } catch (e) {
        log.warn('graph history not loaded; starting empty', { from: store.where, error: e });
      }
    }
    const sampleMs = this.#opts.sampleMs ?? 5_000;
    this.#timers.push(setInterval(() => void this.sampleOnce(), sampleMs));
    if (store) this.#timers.push(setInterval(() => void this.save(), this.#opts.saveMs ?? 60_000));
    for (const t of this.#timers) t.unref();
    void this.sampleOnce();
  }

  // One sample now (the timer's job; tests call it directly). Skipped while the previous one runs.
  async sampleOnce(): Promise<boolean> {
    if (this.#sampling) return false;
    this.#sampling = true;
    try {
      const s = await this.#opts.sample();
      const t = this.#now();
      const dt = this.#lastAt === undefined ? (this.#opts.sampleMs ?? 5_000) / 1000 : Math.min(t - this.#lastAt, 60);
      this.#lastAt = t;
      this.#prev = recordSample(this.db, t, dt, s, this.#prev);
      return true;
    } catch (e) {
      this.#opts.log.debug('graph sample skipped', { error: (e as Error).message });
      return false;
    } finally {
      this.#sampling = false;
    }
  }

  save(): Promise<void> {
    const store = this.#opts.store;
    if (!store) return Promise.resolve();
    this.#saving ??= (async () => {
      try {
        await store.save(this.db.toObject());
        this.#saveFailed = false;
      } catch (e) {
        if (!this.#saveFailed) this.#opts.log.warn('saving the graph history failed', { to: store.where, error: e });
        this.#saveFailed = true;
      } finally {
        this.#saving = undefined;
      }
    })();
    return this.#saving;
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await this.save();
  }
}
