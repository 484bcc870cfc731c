// The edge's stats in the shape of the Edge contract's EdgeLocalStats (proto/p2pool/v1/edge.proto),
// so the service shell answers GetLocalStats with one call.
import type { EdgeLocalStats, MinerStats } from '../gen/p2pool/v1/edge.ts';
import type { EdgeServer } from './edge-server.ts';
import { targetToDifficulty } from './codec/target.ts';

export function toEdgeLocalStats(edge: EdgeServer, instance: string, now = Date.now()): EdgeLocalStats {
  const ctx = edge.ctx;
  const perWorker = new Map<string, { connections: number; difficulty: number }>();
  for (const s of edge.sessionsView()) {
    const id = s.identity;
    if (id === null) continue;
    const key = id.worker === '' ? id.miner : `${id.miner}.${id.worker}`;
    const e = perWorker.get(key) ?? { connections: 0, difficulty: 0 };
    e.connections++;
    if (s.sentTarget > 0n) e.difficulty = targetToDifficulty(s.sentTarget) * ctx.config.difficultyMultiplier;
    perWorker.set(key, e);
  }
  const miners: MinerStats[] = [];
  for (const [user, w] of ctx.stats.workers) {
    const dot = user.indexOf('.');
    const address = dot < 0 ? user : user.slice(0, dot);
    const live = perWorker.get(user);
    miners.push({
      user,
      address,
      worker: dot < 0 ? '' : user.slice(dot + 1),
      hashRate: w.hashrate(now),
      deadHashRate: w.hashrate(now, true),
      accepted: BigInt(w.accepted),
      stale: BigInt(w.stale),
      doa: BigInt(w.doa),
      rejected: BigInt(w.rejected),
      lastShareMs: BigInt(w.lastShareAt),
      difficulty: live?.difficulty ?? 0,
      connections: live?.connections ?? 0,
    });
  }
  const p = ctx.extranonce.prefix;
  const prefixBytes = Math.ceil(p.bits / 8);
  const prefix = Buffer.alloc(prefixBytes);
  if (prefixBytes > 0) prefix.writeUIntBE(p.value * 2 ** (prefixBytes * 8 - p.bits), 0, prefixBytes);
  const c = ctx.counters;
  return {
    instance,
    connections: edge.stratumConnections + edge.http.longPolls.waiting,
    stratumConnections: edge.stratumConnections,
    getworkClients: edge.http.getwork.clientCount,
    extranoncePrefix: prefix,
    miners,
    pseudoshares: BigInt(c.accepted + c.doa),
    shares: BigInt(c.shares),
    blocks: BigInt(c.blocks),
    draining: ctx.draining,
  };
}
