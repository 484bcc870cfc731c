// The pseudoshare difficulty each miner (username) last worked at, shared by every edge, so a miner
// that reconnects to another edge (a drain, a rolled pod) gets the same difficulty at once instead
// of vardiff starting over from the minimum (and rejecting its in-flight shares as low difficulty).
// Reads are synchronous from a local mirror; writes go to the shared store off the miner's path.
// In the cluster the store is the KV bucket `edge-miners` (watched into the mirror); in one process
// several edges share one book.
import type { Bus, Closer, KvStore } from '../../bus/types.ts';
import { MinerDifficulty } from '../../gen/p2pool/v1/edge.ts';

export const MINER_DIFFICULTY_BUCKET = { name: 'edge-miners', ttlMs: 24 * 3_600_000 };

interface Entry {
  target: bigint;
  at: number;
}

export class MinerDifficultyBook {
  private readonly entries = new Map<string, Entry>();
  private kv: KvStore | null = null;
  private watcher: Closer | null = null;
  private readonly maxEntries: number;
  /** Writes that failed (the bus away): the miner keeps its difficulty on this edge regardless. */
  failedWrites = 0;

  constructor(maxEntries = 1_000_000) {
    this.maxEntries = maxEntries;
  }

  /** Mirrors (and writes to) the KV bucket on this bus. */
  async attach(bus: Bus): Promise<void> {
    const kv = await bus.kv(MINER_DIFFICULTY_BUCKET);
    this.kv = kv;
    this.watcher = await kv.watch((key, value) => {
      const user = Buffer.from(key, 'base64url').toString('utf8');
      if (value === null) {
        this.entries.delete(user);
        return;
      }
      try {
        const m = MinerDifficulty.decode(value);
        const at = Number(m.updatedMs);
        const cur = this.entries.get(user);
        if (cur === undefined || cur.at <= at)
          this.set(user, { target: BigInt('0x' + (Buffer.from(m.target).toString('hex') || '0')), at });
      } catch {
        /* not ours: ignore */
      }
    });
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    this.watcher = null;
    this.kv = null;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The target this miner last worked at anywhere, if known. */
  get(username: string): bigint | undefined {
    return this.entries.get(username)?.target;
  }

  /** Records a miner's new target (called when a set_difficulty goes out). */
  remember(username: string, target: bigint, now = Date.now()): void {
    const cur = this.entries.get(username);
    if (cur !== undefined && cur.target === target) return;
    this.set(username, { target, at: now });
    this.write(username, target, now);
  }

  /** Writes the current value of every given miner now (before a drain sends them away); resolves when stored. */
  async flush(usernames: Iterable<string>): Promise<void> {
    if (this.kv === null) return;
    const writes: Promise<unknown>[] = [];
    for (const u of new Set(usernames)) {
      const e = this.entries.get(u);
      if (e !== undefined) writes.push(this.write(u, e.target, e.at));
    }
    await Promise.all(writes);
  }

  private set(user: string, e: Entry): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(user)) {
      // Bounded: forget the oldest insertion (Map order) rather than grow without limit.
      const first = this.entries.keys().next().value;
      if (first !== undefined) this.entries.delete(first);
    }
    this.entries.set(user, e);
  }

  private write(user: string, target: bigint, at: number): Promise<unknown> {
    if (this.kv === null) return Promise.resolve();
    const value = MinerDifficulty.encode({
      target: Buffer.from(target.toString(16).padStart(64, '0'), 'hex'),
      updatedMs: BigInt(at),
    }).finish();
    return this.kv.put(Buffer.from(user, 'utf8').toString('base64url'), value).catch(() => {
      this.failedWrites++;
    });
  }
}
