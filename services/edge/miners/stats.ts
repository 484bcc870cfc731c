// Local statistics per miner (payout address) and per worker (address.worker): pseudoshare
// hashrate over a sliding window and counters. Updated synchronously on the submit path with
// no allocation after a worker's first share; read by the web layer through snapshot().

const BUCKET_MS = 10_000;
const BUCKETS = 60; // 10-minute window

export type ShareKind = 'accepted' | 'stale' | 'doa' | 'rejected';

export class WorkerStats {
  accepted = 0;
  stale = 0;
  doa = 0;
  rejected = 0;
  shares = 0;
  blocks = 0;
  lastShareAt = 0;
  readonly firstSeenAt: number;
  private readonly work = new Float64Array(BUCKETS);
  private readonly dead = new Float64Array(BUCKETS);
  private readonly stamp = new Float64Array(BUCKETS);

  constructor(now: number) {
    this.firstSeenAt = now;
  }

  /** Work of a pseudoshare; DOA work also counts towards the dead hashrate. */
  addWork(attempts: number, now: number, dead: boolean): void {
    const slot = Math.floor(now / BUCKET_MS);
    const i = slot % BUCKETS;
    if (this.stamp[i] !== slot) {
      this.stamp[i] = slot;
      this.work[i] = 0;
      this.dead[i] = 0;
    }
    this.work[i]! += attempts;
    if (dead) this.dead[i]! += attempts;
  }

  /** Hashes per second over the window (or over the time since first seen, if shorter). */
  hashrate(now: number, deadOnly = false): number {
    const slot = Math.floor(now / BUCKET_MS);
    const src = deadOnly ? this.dead : this.work;
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) if (slot - this.stamp[i]! < BUCKETS) sum += src[i]!;
    const span = Math.min(BUCKETS * BUCKET_MS, Math.max(BUCKET_MS, now - this.firstSeenAt));
    return sum / (span / 1000);
  }

  snapshot(now: number) {
    return {
      hashrate: this.hashrate(now),
      deadHashrate: this.hashrate(now, true),
      accepted: this.accepted,
      stale: this.stale,
      doa: this.doa,
      rejected: this.rejected,
      shares: this.shares,
      blocks: this.blocks,
      lastShareTime: this.lastShareAt === 0 ? null : this.lastShareAt / 1000,
    };
  }
}

export type WorkerSnapshot = ReturnType<WorkerStats['snapshot']>;

export class StatsBook {
  readonly miners = new Map<string, WorkerStats>();
  readonly workers = new Map<string, WorkerStats>();

  /** Stats objects for an identity; cache them on the session so the hot path skips the Map. */
  pair(miner: string, worker: string, now: number): [WorkerStats, WorkerStats] {
    let m = this.miners.get(miner);
    if (!m) {
      m = new WorkerStats(now);
      this.miners.set(miner, m);
    }
    const wk = worker === '' ? miner : `${miner}.${worker}`;
    let w = this.workers.get(wk);
    if (!w) {
      w = new WorkerStats(now);
      this.workers.set(wk, w);
    }
    return [m, w];
  }

  snapshot(now: number): { miners: Record<string, WorkerSnapshot>; workers: Record<string, WorkerSnapshot> } {
    const miners: Record<string, WorkerSnapshot> = {};
    const workers: Record<string, WorkerSnapshot> = {};
    for (const [k, v] of this.miners) miners[k] = v.snapshot(now);
    for (const [k, v] of this.workers) workers[k] = v.snapshot(now);
    return { miners, workers };
  }
}

/** Records one outcome on both the miner's and the worker's stats. */
export function record(pair: readonly [WorkerStats, WorkerStats], kind: ShareKind, attempts: number, now: number): void {
  for (const s of pair) {
    s[kind]++;
    if (kind === 'accepted' || kind === 'doa') {
      s.lastShareAt = now;
      s.addWork(attempts, now, kind === 'doa');
    }
  }
}
