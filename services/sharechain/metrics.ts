// The sharechain's metrics, read from the tracker and the statistics at scrape time, plus how old a
// peer's share is when it reaches this node (share propagation across the P2Pool network).
import { lazyInstruments, observe } from '../runtime/metrics.ts';
import type { Sharechain } from './sharechain.ts';
import type { ReferenceStats } from './stats/reference-stats.ts';

const SYNC_STATES = ['loading', 'downloading', 'synced'] as const;

export const shareArrivals = lazyInstruments('p2pool.sharechain', (m) => ({
  added: m.createCounter('p2pool.sharechain.shares.added', { description: 'shares added to the tracker, by origin (local, peer)' }),
  propagation: m.createHistogram('p2pool.sharechain.share.propagation', {
    unit: 's',
    description: "age of a share (now - its timestamp) when it is added here, by origin (local: found by this node's miners, peer)",
    advice: { explicitBucketBoundaries: [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300] },
  }),
}));

export function sharechainMetrics(sc: Sharechain, stats: ReferenceStats): () => void {
  // Listed on /metrics from the start, not from the first peer share.
  shareArrivals();
  // One statistics pass per scrape for the figures that walk the chain.
  const cached = <T>(f: () => T) => {
    let at = 0;
    let v: T;
    return () => {
      const now = Date.now();
      if (now - at > 1000) {
        v = f();
        at = now;
      }
      return v;
    };
  };
  const global = cached(() => stats.globalStats());
  const own = cached(() => sc.own.staleCounts(sc.tracker, sc.bestShareHash()));
  return observe('p2pool.sharechain', [
    {
      name: 'p2pool.sharechain.height',
      description: 'height of the best share',
      read: () => {
        const b = sc.bestShareHash();
        return b === null ? 0 : sc.tracker.getHeight(b);
      },
    },
    {
      name: 'p2pool.sharechain.shares',
      description: 'shares in the tracker, all and verified',
      read: () => [
        [sc.tracker.size, { state: 'all' }],
        [sc.tracker.verified.size, { state: 'verified' }],
      ],
    },
    {
      name: 'p2pool.sharechain.sync',
      description: '1 for the current sync state (loading, downloading, synced)',
      read: () => {
        const s = sc.syncStatus().state;
        return SYNC_STATES.map((x) => [x === s ? 1 : 0, { state: x }] as const);
      },
    },
    { name: 'p2pool.sharechain.sync.progress', description: 'sync progress 0..1', read: () => sc.syncStatus().progress },
    {
      name: 'p2pool.pool.hashrate',
      unit: 'H/s',
      description: 'pool hash rate, all and nonstale',
      read: () => {
        const g = global();
        return g
          ? [
              [g.pool_hash_rate, { kind: 'all' }],
              [g.pool_nonstale_hash_rate, { kind: 'nonstale' }],
            ]
          : null;
      },
    },
    {
      name: 'p2pool.pool.stale.proportion',
      description: 'stale proportion of the pool over the last hour of shares',
      read: () => global()?.pool_stale_prop ?? null,
    },
    {
      name: 'p2pool.network.hashrate',
      unit: 'H/s',
      description: "the coin network's hash rate",
      read: () => global()?.network_hashrate ?? null,
    },
    {
      name: 'p2pool.node.shares',
      description: "this node's shares in the chain by state (the reference's shares/orphan/dead)",
      read: () => {
        const o = own();
        return [
          [o.total - o.orphan - o.doa, { state: 'good' }],
          [o.orphan, { state: 'orphan' }],
          [o.doa, { state: 'doa' }],
        ];
      },
    },
    {
      name: 'p2pool.node.efficiency',
      description: "the node's efficiency (the reference's own efficiency)",
      read: () => stats.efficiency()?.value ?? null,
    },
    {
      name: 'p2pool.node.hashrate',
      unit: 'H/s',
      description: "the node's miners' hash rate (all edges)",
      read: () => sc.workBasis()?.localHashRate ?? null,
    },
  ]);
}
