// The edge's metrics, read from its counters and sessions at scrape time (the submit path only bumps
// the plain counters it already keeps) plus the fan-out latency of each new work.
import { lazyInstruments, observe } from '../runtime/metrics.ts';
import type { EdgeServer } from './edge-server.ts';

const fanOutDuration = lazyInstruments('p2pool.edge', (m) =>
  m.createHistogram('p2pool.edge.fanout.duration', {
    unit: 'ms',
    description: 'time to build the jobs of a new work and hand every notify to the sockets',
    advice: { explicitBucketBoundaries: [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] },
  }),
);

export function edgeMetrics(edge: EdgeServer): () => void {
  const c = edge.ctx.counters;
  fanOutDuration();
  edge.onFanOut = (r) => fanOutDuration().record(r.ms);
  const stop = observe('p2pool.edge', [
    {
      name: 'p2pool.edge.connections',
      description: 'miner connections by protocol',
      read: () => [
        [edge.stratumConnections, { protocol: 'stratum' }],
        [edge.http.getwork.clientCount, { protocol: 'getwork' }],
        [edge.http.longPolls.waiting, { protocol: 'longpoll' }],
      ],
    },
    { name: 'p2pool.edge.submits', kind: 'counter', description: 'share submissions received from miners', read: () => c.submits },
    {
      name: 'p2pool.edge.pseudoshares',
      kind: 'counter',
      description: 'submissions by result: accepted, doa (dead on arrival), stale, rejected',
      read: () => [
        [c.accepted, { result: 'accepted' }],
        [c.doa, { result: 'doa' }],
        [c.stale, { result: 'stale' }],
        [c.rejected, { result: 'rejected' }],
      ],
    },
    {
      name: 'p2pool.edge.shares',
      kind: 'counter',
      description: 'solutions meeting the share target, handed to the sharechain',
      read: () => c.shares,
    },
    {
      name: 'p2pool.edge.blocks',
      kind: 'counter',
      description: 'solutions meeting the block target, handed to the full node',
      read: () => c.blocks,
    },
    {
      name: 'p2pool.edge.hashrate',
      unit: 'H/s',
      description: "this edge's miners' hash rate from pseudoshares, all and dead",
      read: () => {
        const now = Date.now();
        let all = 0,
          dead = 0;
        for (const w of edge.ctx.stats.miners.values()) {
          all += w.hashrate(now);
          dead += w.hashrate(now, true);
        }
        return [
          [all, { kind: 'all' }],
          [dead, { kind: 'dead' }],
        ];
      },
    },
    { name: 'p2pool.edge.miners', description: 'payout addresses with stats on this edge', read: () => edge.ctx.stats.miners.size },
    {
      name: 'p2pool.edge.dropped',
      kind: 'counter',
      description: 'connections closed by the edge, by reason',
      read: () => [
        [c.droppedOversize, { reason: 'oversize' }],
        [c.droppedSlow, { reason: 'slow' }],
        [c.droppedIdle, { reason: 'idle' }],
        [c.droppedBackpressure, { reason: 'backpressure' }],
      ],
    },
    { name: 'p2pool.edge.draining', description: '1 while the edge drains', read: () => (edge.ctx.draining ? 1 : 0) },
  ]);
  return () => {
    stop();
    edge.onFanOut = null;
  };
}
