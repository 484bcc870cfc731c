// The streams of /web/graph_data (the reference's names, docs/protocol.md §9) and how one sample of the node's
// statistics feeds them. The web service samples the sharechain's GetStats and the gateway's GetPeers
// every few seconds (recorder.ts); rate streams get rate × interval, so a bin reads as the average rate.
import { HistoryDatabase, type StreamDesc } from './history.ts';

// Per-miner streams keep the 20 busiest miners of each sample.
const MINERS = 20;

export const STREAMS: Record<string, StreamDesc> = {
  local_hash_rate: { gauge: false, multivalues: false },
  local_dead_hash_rate: { gauge: false, multivalues: false },
  local_share_hash_rates: { gauge: false, multivalues: true, undefinedMeans0: true },
  pool_rates: { gauge: true, multivalues: true, undefinedMeans0: true },
  current_payout: { gauge: true, multivalues: false },
  current_payouts: { gauge: true, multivalues: true, maxKeys: MINERS },
  peers: { gauge: true, multivalues: true, undefinedMeans0: true },
  miner_hash_rates: { gauge: false, multivalues: true, maxKeys: MINERS },
  miner_dead_hash_rates: { gauge: false, multivalues: true, maxKeys: MINERS },
  desired_version_rates: { gauge: true, multivalues: true, undefinedMeans0: true },
  memory_usage: { gauge: true, multivalues: false },
  // Bytes per second over the P2P connections, {'p2p/in', 'p2p/out'}.
  traffic_rate: { gauge: false, multivalues: true, undefinedMeans0: true },
  // Seconds, as the reference: the selected full node's last getblocktemplate.
  getwork_latency: { gauge: true, multivalues: false },
  // Ours: this node's shares per second split as the dashboard shows them (count × 1/width).
  shares: { gauge: false, multivalues: true, undefinedMeans0: true },
  // Ours: the node's efficiency (the reference's "Own efficiency"), a gauge.
  efficiency: { gauge: true, multivalues: false },
};

export function newHistory(): HistoryDatabase {
  return new HistoryDatabase(STREAMS);
}

// What one sample needs, already read from the contracts.
export interface Sample {
  localHashRate: number;
  minerHashRates: Record<string, number>;
  minerDeadHashRates: Record<string, number>;
  // This node's shares in the chain (SharechainStats.shares_total/orphan/dead).
  sharesTotal: number;
  sharesOrphan: number;
  sharesDead: number;
  attemptsToShare: number;
  staleRates: Record<string, number>;
  // H/s behind each desired share version.
  desiredVersionRates: Record<string, number>;
  // Coins.
  currentPayout: number;
  currentPayouts: Record<string, number>;
  peers: { incoming: number; outgoing: number };
  efficiency: number | null;
  memoryUsage: number;
  // Seconds; null when the template builder did not answer.
  getworkLatency: number | null;
  // P2P bytes since the gateway started; null when it did not answer.
  p2pBytes: { received: number; sent: number } | null;
}

export interface ShareCounts {
  total: number;
  orphan: number;
  dead: number;
  p2pBytes: { received: number; sent: number } | null;
}

// Adds one sample taken at t (seconds), dt seconds after the previous one; returns the share counts
// for the next call's deltas. Counts that fell (shares pruned from the chain) add nothing.
export function recordSample(db: HistoryDatabase, t: number, dt: number, s: Sample, prev: ShareCounts | undefined): ShareCounts {
  const add = (name: string, v: number | Record<string, number>) => db.streams.get(name)!.add(t, v);
  const scale = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v * dt]));
  const dead = Object.values(s.minerDeadHashRates).reduce((a, b) => a + b, 0);
  add('local_hash_rate', s.localHashRate * dt);
  add('local_dead_hash_rate', dead * dt);
  add('miner_hash_rates', scale(s.minerHashRates));
  add('miner_dead_hash_rates', scale(s.minerDeadHashRates));
  add('pool_rates', s.staleRates);
  add('desired_version_rates', s.desiredVersionRates);
  add('current_payout', s.currentPayout);
  add('current_payouts', s.currentPayouts);
  add('peers', s.peers);
  add('memory_usage', s.memoryUsage);
  if (s.getworkLatency !== null) add('getwork_latency', s.getworkLatency);
  if (s.efficiency !== null) add('efficiency', s.efficiency);
  const now = { total: s.sharesTotal, orphan: s.sharesOrphan, dead: s.sharesDead, p2pBytes: s.p2pBytes };
  if (prev?.p2pBytes && s.p2pBytes) {
    // Totals that fell (a restarted gateway) add nothing.
    add('traffic_rate', {
      'p2p/in': Math.max(0, s.p2pBytes.received - prev.p2pBytes.received),
      'p2p/out': Math.max(0, s.p2pBytes.sent - prev.p2pBytes.sent),
    });
  }
  if (prev) {
    const orphan = Math.max(0, now.orphan - prev.orphan);
    const doa = Math.max(0, now.dead - prev.dead);
    const accepted = Math.max(0, now.total - prev.total - orphan - doa);
    add('shares', { accepted, orphan, doa });
    add('local_share_hash_rates', {
      good: accepted * s.attemptsToShare,
      orphan: orphan * s.attemptsToShare,
      dead: doa * s.attemptsToShare,
    });
  }
  return now;
}
