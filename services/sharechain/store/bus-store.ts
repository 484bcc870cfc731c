// The cluster's share store: a JetStream stream per network, written through the bus (services/bus,
// docs/bus.md). Each accepted share is one message on `sharechain.<net>.share` (the packed wrapper,
// msg id = its hash, so a retried publish is dropped as a duplicate), each verified mark one message on
// `sharechain.<net>.verified`. Publishes are concurrent, so a burst is acknowledged together; append()
// resolves when JetStream has acknowledged every record (stored on its disk). Old shares leave by the
// stream's max_msgs limit (discard old), which is sized above what pruning keeps.
import type { Bus, StreamSpec } from '../../bus/types.ts';
import { ByteArena, type Network } from '../../core/index.ts';
import type { DroppedRecord, LoadResult, ShareStore, StoreLoadOptions, StoreRecord } from './types.ts';

/** Stream and topic names for a network ("bitcoin" → stream SHARES_BITCOIN, topics sharechain.bitcoin.*). */
export function shareStreamFor(net: Network): { spec: StreamSpec; shareTopic: string; verifiedTopic: string } {
  const key = net.NAME.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const shareTopic = `sharechain.${key}.share`;
  const verifiedTopic = `sharechain.${key}.verified`;
  return {
    // A share and its verified mark per entry: 2 × (2 × CHAIN_LENGTH) plus room for forks and stale heads.
    spec: {
      name: `SHARES_${key.toUpperCase()}`,
      topics: [shareTopic, verifiedTopic],
      maxMsgs: 5 * net.CHAIN_LENGTH + 1000,
      duplicateWindowMs: 120_000,
    },
    shareTopic,
    verifiedTopic,
  };
}

export class BusShareStore implements ShareStore {
  readonly describe: string;
  private readonly bus: Bus;
  private readonly names: ReturnType<typeof shareStreamFor>;
  private readonly timeoutMs: number;
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(bus: Bus, net: Network, opts: { timeoutMs?: number } = {}) {
    this.bus = bus;
    this.names = shareStreamFor(net);
    this.describe = `jetstream ${this.names.spec.name}`;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  async load(opts: StoreLoadOptions = {}): Promise<LoadResult> {
    const shares: LoadResult['shares'] = [];
    const verified = new Set<bigint>();
    const dropped: DroppedRecord[] = [];
    const seen = new Set<bigint>();
    const shareSubject = `.${this.names.shareTopic}`;
    // A parsed share keeps a view of these bytes: copied into the arena, not into Node's shared pool
    // (whose slabs the parse's short-lived buffers also fill) nor left in the message's buffer.
    const arena = new ByteArena();
    let n = 0;
    for await (const m of this.bus.replay(this.names.spec)) {
      n++;
      if (m.subject.endsWith(shareSubject)) {
        const data = arena.copy(m.data);
        let hash: bigint | null = null;
        if (opts.identify) {
          hash = opts.identify(data);
          if (hash === null) {
            dropped.push({ where: `seq ${m.seq}`, reason: 'not a valid share' });
            continue;
          }
          if (seen.has(hash)) continue;
          seen.add(hash);
          if (!opts.keepPacked) continue;
        }
        shares.push({ hash, packed: data });
      } else if (m.data.length === 32) {
        verified.add(BigInt('0x' + Buffer.from(m.data.buffer, m.data.byteOffset, m.data.length).toString('hex')));
      } else {
        dropped.push({ where: `seq ${m.seq}`, reason: 'malformed verified mark' });
      }
      if ((n & 1023) === 0) opts.onProgress?.({ fraction: 0, records: n });
    }
    opts.onProgress?.({ fraction: 1, records: n });
    return { shares, verified, dropped };
  }

  append(records: readonly StoreRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('share store is closed'));
    const acks = records.map((r) => {
      const hex = r.hash.toString(16).padStart(64, '0');
      return r.kind === 'share'
        ? this.bus.persist(this.names.spec, this.names.shareTopic, r.packed, { msgId: `s-${hex}`, timeoutMs: this.timeoutMs })
        : this.bus.persist(this.names.spec, this.names.verifiedTopic, Buffer.from(hex, 'hex'), {
            msgId: `v-${hex}`,
            timeoutMs: this.timeoutMs,
          });
    });
    const all = Promise.all(acks).then(() => undefined);
    this.inflight.add(all);
    void all.finally(() => this.inflight.delete(all)).catch(() => {});
    return all;
  }

  forget(): void {
    // The stream's max_msgs limit drops the oldest messages; nothing to do per share.
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
  }
}
