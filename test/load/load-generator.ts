// The stratum load generator: N simulated miners (sim-miner.ts) hashing on one ticker, and the
// per-miner figures a roll is judged by.
import { SimMiner, type MinerRecord, type SimMinerOptions } from './sim-miner.ts';

export interface LoadOptions {
  host: string;
  port: number;
  miners: number;
  /** Hashes per second per miner; with the edge's vardiff at 3 s per pseudoshare this sets the submit rate. */
  hashrate: number;
  algorithm?: 'sha256d' | 'scrypt';
  shareTarget: bigint;
  usernameOf?: (i: number) => string;
  workQueueMs?: number;
  recordAccepted?: boolean;
  /** Connections opened per tick at start (a farm does not connect all at once). */
  connectPerTick?: number;
}

export interface RollFigures {
  miners: number;
  submits: number;
  accepted: number;
  acceptedShares: number;
  staleNewBlock: number;
  /** Rejections other than stale-for-new-block, all reasons. */
  rejected: number;
  rejectReasons: Record<string, number>;
  unanswered: number;
  reconnects: number;
  /** Reconnects after which the miner's difficulty changed. */
  difficultyChanged: number;
  /** Over the miners that lost a connection: the largest and the 99th percentile of each one's longest gap. */
  gapMaxMs: number;
  gapP99Ms: number;
  gaps: number;
}

export class LoadGenerator {
  readonly miners: SimMiner[] = [];
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  private readonly o: LoadOptions;

  constructor(o: LoadOptions) {
    this.o = o;
    for (let i = 0; i < o.miners; i++) {
      const opts: SimMinerOptions = {
        host: o.host,
        port: o.port,
        username: o.usernameOf?.(i) ?? `sim${i}`,
        hashrate: o.hashrate,
        algorithm: o.algorithm,
        shareTarget: o.shareTarget,
        workQueueMs: o.workQueueMs,
        recordAccepted: o.recordAccepted,
      };
      this.miners.push(new SimMiner(opts));
    }
  }

  async start(): Promise<void> {
    const per = this.o.connectPerTick ?? 20;
    for (let i = 0; i < this.miners.length; i += per) {
      for (const m of this.miners.slice(i, i + per)) m.start();
      await new Promise((r) => setTimeout(r, 20));
    }
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const dt = Math.min(0.5, (now - this.last) / 1000);
      this.last = now;
      for (const m of this.miners) m.hash(dt);
    }, 50);
  }

  /** Every miner connected and holding a job. */
  get allWorking(): boolean {
    return this.miners.every((m) => m.hasWork);
  }

  /** Stops hashing; then waits (at most `ms`) for the answers to submits in flight. */
  async quiesce(ms = 5_000): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    const end = Date.now() + ms;
    while (Date.now() < end && this.miners.some((m) => m.outstanding > 0)) await new Promise((r) => setTimeout(r, 20));
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    for (const m of this.miners) m.stop();
  }

  records(): MinerRecord[] {
    return this.miners.map((m) => m.record);
  }

  figures(): RollFigures {
    return summarize(this.records());
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarize(records: MinerRecord[]): RollFigures {
  const gaps: number[] = [];
  const reasons: Record<string, number> = {};
  const f: RollFigures = {
    miners: records.length,
    submits: 0,
    accepted: 0,
    acceptedShares: 0,
    staleNewBlock: 0,
    rejected: 0,
    rejectReasons: reasons,
    unanswered: 0,
    reconnects: 0,
    difficultyChanged: 0,
    gapMaxMs: 0,
    gapP99Ms: 0,
    gaps: 0,
  };
  for (const r of records) {
    f.submits += r.submits;
    f.accepted += r.accepted;
    f.acceptedShares += r.acceptedShares.length;
    f.staleNewBlock += r.staleNewBlock;
    f.unanswered += r.unanswered;
    f.reconnects += r.reconnects;
    for (const [k, n] of Object.entries(r.rejected)) {
      reasons[k] = (reasons[k] ?? 0) + n;
      f.rejected += n;
    }
    for (let i = 0; i < r.difficultyAfter.length; i++) if (r.difficultyAfter[i] !== r.difficultyBefore[i]) f.difficultyChanged++;
    // Per miner: its longest time without work; the figures are the max and p99 over the miners.
    if (r.gapsMs.length > 0) gaps.push(Math.max(...r.gapsMs));
  }
  gaps.sort((a, b) => a - b);
  f.gaps = gaps.length;
  f.gapMaxMs = gaps.length ? gaps[gaps.length - 1]! : 0;
  f.gapP99Ms = percentile(gaps, 99);
  return f;
}
