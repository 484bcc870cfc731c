// One leader among a service's replicas, on a NATS KV key (the `leaders` bucket; the in-process bus's
// KV in one process): the leader creates the key, renews it every ttl/3 (compare-and-set on its own
// revision), and deletes it when it stops, so a standby replica takes over at once on a rolling update
// and within the TTL when the leader dies. A leader that cannot renew (the key expired and was taken)
// is told through onLost and must stop acting as leader. docs/rollout.md.
import type { Bus, KvStore } from '../bus/types.ts';

export const LEADERS_BUCKET = { name: 'leaders', ttlMs: 6_000 };

export class LeaderLease {
  readonly key: string;
  readonly holder: string;
  private readonly bus: Bus;
  private readonly ttlMs: number;
  private kv: KvStore | null = null;
  private revision = 0;
  private renewer: NodeJS.Timeout | null = null;
  private stopped = false;
  onLost: (why: string) => void = () => undefined;

  constructor(bus: Bus, role: string, holder: string, ttlMs = LEADERS_BUCKET.ttlMs) {
    this.bus = bus;
    this.key = role;
    this.holder = holder;
    this.ttlMs = ttlMs;
  }

  get leading(): boolean {
    return this.revision !== 0;
  }

  /** One attempt: true if this replica leads now. */
  async tryAcquire(): Promise<boolean> {
    if (this.stopped) return false;
    if (this.revision !== 0) return true;
    this.kv ??= await this.bus.kv({ ...LEADERS_BUCKET, ttlMs: this.ttlMs });
    try {
      this.revision = await this.kv.create(this.key, Buffer.from(this.holder));
    } catch {
      return false;
    }
    this.renewer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.renewer.unref();
    return true;
  }

  /** The replica that leads now, if any. */
  async leader(): Promise<string | null> {
    this.kv ??= await this.bus.kv({ ...LEADERS_BUCKET, ttlMs: this.ttlMs });
    const cur = await this.kv.get(this.key).catch(() => null);
    return cur ? Buffer.from(cur.value).toString() : null;
  }

  /** Resolves true once this replica leads; false if release() came first. Tries every `pollMs`. */
  async acquire(pollMs = 250): Promise<boolean> {
    while (!this.stopped) {
      if (await this.tryAcquire()) return true;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return false;
  }

  private async renew(): Promise<void> {
    if (this.kv === null || this.revision === 0) return;
    const kv = this.kv;
    try {
      this.revision = await kv.update(this.key, Buffer.from(this.holder), this.revision);
      return;
    } catch (e) {
      // Not renewed. With NATS away nobody can take the key either: keep leading and try again. Lost
      // only when the key is readable and names another replica.
      let cur = await kv.get(this.key).catch(() => undefined);
      if (cur === undefined) return;
      if (cur === null) {
        // Expired (an outage longer than the TTL) and nobody took it: take it again.
        try {
          this.revision = await kv.create(this.key, Buffer.from(this.holder));
          return;
        } catch {
          /* someone did */
        }
        cur = await kv.get(this.key).catch(() => undefined);
        if (cur === undefined) return;
      }
      if (cur !== null && Buffer.from(cur.value).toString() === this.holder) {
        this.revision = cur.revision;
        return;
      }
      this.clear();
      this.onLost(
        `lease ${this.key} lost: ${(e as Error).message}; held by ${cur === null ? 'nobody' : Buffer.from(cur.value).toString()}`,
      );
    }
  }

  private clear(): void {
    if (this.renewer !== null) clearInterval(this.renewer);
    this.renewer = null;
    this.revision = 0;
  }

  /** Stops trying; a leader deletes its key so a standby takes over now. */
  async release(): Promise<void> {
    this.stopped = true;
    const was = this.revision;
    this.clear();
    if (this.kv === null || was === 0) return;
    const cur = await this.kv.get(this.key).catch(() => null);
    if (cur !== null && Buffer.from(cur.value).toString() === this.holder) await this.kv.delete(this.key).catch(() => undefined);
  }
}
