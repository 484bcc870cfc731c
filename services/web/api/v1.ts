// Our versioned JSON API, /api/v1/… (described by openapi.ts, served at /api/v1/openapi.json). Read
// only, fed by the contracts the web service calls (sharechain, peer gateway, template builder) and
// its own graph history. Amounts in coins (numbers) and satoshis (decimal strings, exact).
import type { NodeInfo } from '../../gen/p2pool/v1/web.ts';
import type { SharechainClientImpl, SharechainStats } from '../../gen/p2pool/v1/sharechain.ts';
import type { TemplateBuilderClientImpl } from '../../gen/p2pool/v1/template_builder.ts';
import type { ServiceInstance } from '../../gen/p2pool/v1/common.ts';
import type { BusStatsSource } from '../bus-stats.ts';
import type { HistoryDatabase } from '../graph/history.ts';
import { VIEWS } from '../graph/history.ts';
import { json, type WebRequest, type WebResponse } from '../../runtime/http-get.ts';
import { OPENAPI } from './openapi.ts';

export interface ApiDeps {
  source: BusStatsSource;
  sharechain: SharechainClientImpl;
  templateBuilder: TemplateBuilderClientImpl;
  history: HistoryDatabase;
  nodeInfo: () => NodeInfo;
  services: () => Promise<Array<ServiceInstance & { statusName: string }>>;
  now?: () => number;
}

const SYNC: readonly string[] = ['unknown', 'loading', 'downloading', 'synced'];
const hex = (le: Uint8Array) => Buffer.from(le).reverse().toString('hex');
const coins = (sat: bigint) => Number(sat) / 1e8;

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

// Payout addresses: base58 or bech32 characters, a sane length; anything else is a bad parameter
// before it reaches the sharechain.
const ADDRESS = /^[0-9A-Za-z]{20,100}$/;

function intParam(query: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return dflt;
  if (!/^\d+$/.test(raw)) throw new ApiError(400, `${name} must be an integer from ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ApiError(400, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

// A miner's workers among the per-user rates: the reference's users are "ADDRESS", "ADDRESS.WORKER" or
// "ADDRESS_WORKER" (and "+difficulty" suffixes).
export function workerOf(user: string, address: string): string | null {
  if (user === address) return '';
  if (user.startsWith(address) && /[._+/]/.test(user[address.length] ?? '')) return user.slice(address.length + 1);
  return null;
}

function addressOf(user: string): string {
  return /^[0-9A-Za-z]+/.exec(user)?.[0] ?? user;
}

function localRates(s: SharechainStats): { miners: Record<string, number>; dead: Record<string, number> } {
  try {
    const ls = JSON.parse(s.localStatsJson || 'null');
    return { miners: ls?.miner_hash_rates ?? {}, dead: ls?.miner_dead_hash_rates ?? {} };
  } catch {
    return { miners: {}, dead: {} };
  }
}

export class ApiV1 {
  readonly #d: ApiDeps;

  constructor(deps: ApiDeps) {
    this.#d = deps;
  }

  async handle(req: WebRequest): Promise<WebResponse> {
    try {
      const body = await this.#route(req.path.replace(/\/+$/, ''), new URLSearchParams(req.query));
      return json(body);
    } catch (e) {
      if (e instanceof ApiError) return json({ error: e.message }, e.status);
      return json({ error: `unavailable: ${(e as Error).message}` }, 503);
    }
  }

  async #route(path: string, q: URLSearchParams): Promise<unknown> {
    const parts = path
      .split('/')
      .slice(3)
      .map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          throw new ApiError(400, 'malformed path');
        }
      });
    const [a, b, c, d] = parts;
    switch (a) {
      case 'openapi.json':
        if (parts.length === 1) return OPENAPI;
        break;
      case 'node':
        if (parts.length === 1) return this.#d.nodeInfo();
        break;
      case 'services':
        if (parts.length === 1) return this.#services();
        break;
      case 'status':
        if (parts.length === 1) return this.status();
        break;
      case 'pool':
        if (parts.length === 1) return this.pool();
        break;
      case 'payouts':
        if (parts.length === 1) return this.payouts();
        break;
      case 'blocks':
        if (parts.length === 1) return this.blocks(intParam(q, 'limit', 20, 1, 100));
        break;
      case 'peers':
        if (parts.length === 1) return this.peers();
        break;
      case 'miners':
        if (parts.length === 1) return this.miners();
        if (!ADDRESS.test(b!)) throw new ApiError(400, `not a payout address: ${JSON.stringify(b!.slice(0, 120))}`);
        if (parts.length === 2) return this.miner(b!, intParam(q, 'limit', 50, 1, 1000));
        if (parts.length === 4 && c === 'graph') return this.minerGraph(b!, this.#view(d!));
        break;
      case 'graph':
        if (parts.length === 3) return this.graph(b!, this.#view(c!));
        break;
    }
    throw new ApiError(404, `no such endpoint: ${path}`);
  }

  #view(v: string): string {
    if (!(v in VIEWS)) throw new ApiError(400, `view must be one of ${Object.keys(VIEWS).join(', ')}`);
    return v;
  }

  async #services() {
    return (await this.#d.services()).map((i) => ({
      service: i.service,
      instance: i.instance,
      version: i.version,
      status: i.statusName,
      startedAtMs: Number(i.startedAtMs),
      lastSeenMs: Number(i.lastSeenMs),
    }));
  }

  async status() {
    const [s, tb, peers] = await Promise.all([
      this.#d.source.stats(),
      this.#d.templateBuilder.GetStatus({}).catch(() => null),
      this.#d.source.peers().catch(() => null),
    ]);
    const info = this.#d.nodeInfo();
    return {
      version: info.version,
      network: info.network,
      uptime: s.uptime,
      sync: {
        state: SYNC[s.syncState] ?? 'unknown',
        progress: s.syncProgress,
        height: s.height,
        bestShare: s.bestShareHash.length ? hex(s.bestShareHash) : null,
        verified: Number(s.sharesVerified),
      },
      shares: { total: Number(s.sharesTotal), orphan: Number(s.sharesOrphan), dead: Number(s.sharesDead) },
      localHashRate: s.localHashRate,
      efficiency: s.sharesTotal > 0n ? { value: s.efficiency, low: s.efficiencyLow, high: s.efficiencyHigh } : null,
      expectedSecondsToShare: s.expectedSecondsToShare,
      expectedSecondsToBlock: s.expectedSecondsToBlock,
      peers: peers ? { incoming: peers.incoming, outgoing: peers.outgoing } : null,
      templateBuilder: tb
        ? {
            available: true,
            height: tb.height,
            lastTemplateMs: Number(tb.lastTemplateMs),
            fullNodes: tb.nodes.map((n) => ({
              chain: n.chain,
              reachable: n.reachable,
              synced: n.synced,
              blocks: n.blocks,
              headers: n.headers,
              verificationProgress: n.verificationProgress,
              selected: n.selected,
              subversion: n.subversion,
              lastError: n.lastError,
              templateLatencyMs: n.templateLatencyMs,
            })),
          }
        : { available: false, height: 0, lastTemplateMs: 0, fullNodes: [] },
      warnings: s.warnings,
    };
  }

  async pool() {
    const s = await this.#d.source.stats();
    return {
      hashRate: s.poolHashRate,
      nonstaleHashRate: s.poolNonstaleHashRate,
      staleProportion: s.poolStaleProp,
      shareDifficulty: s.hasDifficulty ? s.difficulty : null,
      minDifficulty: s.minDifficulty,
      networkBlockDifficulty: s.networkBlockDifficulty,
      networkHashRate: s.networkHashRate,
      attemptsToShare: s.attemptsToShare,
      attemptsToBlock: s.attemptsToBlock,
      blockValue: coins(s.blockValue),
      blockValueSatoshis: s.blockValue.toString(),
      staleRates: s.staleRates,
      height: s.height,
    };
  }

  async payouts() {
    const s = await this.#d.source.stats();
    let total = 0n;
    for (const p of s.currentPayouts) total += p.amount;
    return s.currentPayouts
      .map((p) => ({
        address: p.address,
        amount: coins(p.amount),
        amountSatoshis: p.amount.toString(),
        fraction: total > 0n ? Number(p.amount) / Number(total) : 0,
      }))
      .sort((x, y) => y.fraction - x.fraction);
  }

  async blocks(limit: number) {
    const s = await this.#d.source.stats();
    const recent = [...s.recentBlocks].sort((x, y) => Number(y.ts - x.ts)).slice(0, limit);
    const status = recent.length
      ? await this.#d.templateBuilder.GetBlockStatus({ hashes: recent.map((b) => b.blockHash) }).catch(() => null)
      : null;
    return recent.map((b, i) => {
      const st = status?.blocks[i];
      const state = !st
        ? 'unknown'
        : !st.known
          ? 'unknown'
          : st.confirmations < 0
            ? 'orphaned'
            : st.confirmations >= 100
              ? 'mature'
              : 'confirmed';
      return {
        ts: Number(b.ts),
        hash: hex(b.blockHash),
        height: b.number || null,
        share: hex(b.shareHash),
        confirmations: st?.known ? st.confirmations : null,
        state,
      };
    });
  }

  async peers() {
    const r = await this.#d.source.peers();
    const now = (this.#d.now ?? Date.now)();
    return {
      incoming: r.incoming,
      outgoing: r.outgoing,
      knownAddresses: r.knownAddresses,
      peers: r.peers.map((p) => ({
        address: p.address,
        direction: p.incoming ? 'incoming' : 'outgoing',
        protocolVersion: p.protocolVersion,
        version: p.subVersion,
        uptime: p.connectedSinceMs > 0n ? Math.max(0, (now - Number(p.connectedSinceMs)) / 1000) : null,
        pingMs: p.pingMs >= 0 ? p.pingMs : null,
      })),
    };
  }

  async miners() {
    const s = await this.#d.source.stats();
    const { miners, dead } = localRates(s);
    const payouts = new Map(s.currentPayouts.map((p) => [p.address, p.amount]));
    let total = 0n;
    for (const v of payouts.values()) total += v;
    const by = new Map<
      string,
      { address: string; hashRate: number; deadHashRate: number; workers: number; payout: number; payoutFraction: number }
    >();
    for (const [user, rate] of Object.entries(miners)) {
      const address = addressOf(user);
      const m = by.get(address) ?? { address, hashRate: 0, deadHashRate: 0, workers: 0, payout: 0, payoutFraction: 0 };
      m.hashRate += rate;
      m.deadHashRate += dead[user] ?? 0;
      m.workers++;
      by.set(address, m);
    }
    for (const m of by.values()) {
      const p = payouts.get(m.address) ?? 0n;
      m.payout = coins(p);
      m.payoutFraction = total > 0n ? Number(p) / Number(total) : 0;
    }
    return [...by.values()].sort((x, y) => y.hashRate - x.hashRate);
  }

  async miner(address: string, limit: number) {
    const [s, w] = await Promise.all([this.#d.source.stats(), this.#d.sharechain.GetMinerShares({ address, limit })]);
    const { miners, dead } = localRates(s);
    const workers = [];
    for (const [user, rate] of Object.entries(miners)) {
      const worker = workerOf(user, address);
      if (worker !== null) workers.push({ name: worker, user, hashRate: rate, deadHashRate: dead[user] ?? 0 });
    }
    const hashRate = workers.reduce((a, x) => a + x.hashRate, 0);
    const deadHashRate = workers.reduce((a, x) => a + x.deadHashRate, 0);
    return {
      address,
      hashRate,
      deadHashRate,
      staleProportion: hashRate > 0 ? deadHashRate / hashRate : null,
      chainStaleProportion: s.userStales[address] ?? null,
      expectedPayout: coins(w.expectedPayout),
      expectedPayoutSatoshis: w.expectedPayout.toString(),
      payoutFraction: w.weightFraction,
      window: { shares: w.windowShares, minerShares: w.shares, orphan: w.orphan, dead: w.dead },
      shares: w.recent.map((r) => ({
        hash: hex(r.hash),
        timestamp: Number(r.timestamp),
        depth: r.depth,
        stale: r.staleInfo === 253 ? 'orphan' : r.staleInfo === 254 ? 'doa' : null,
        work: r.work,
        local: r.local,
      })),
      workers: workers.sort((x, y) => y.hashRate - x.hashRate),
    };
  }

  graph(stream: string, view: string) {
    const s = this.#d.history.streams.get(stream);
    if (!s) throw new ApiError(404, `no such stream: ${stream}`);
    return s.views.get(view)!.data((this.#d.now ?? Date.now)() / 1000);
  }

  // The miner's rate per bin: the sum of its workers in miner_hash_rates / miner_dead_hash_rates.
  minerGraph(address: string, view: string) {
    const t = (this.#d.now ?? Date.now)() / 1000;
    const sum = (name: string) =>
      this.#d.history.streams
        .get(name)!
        .views.get(view)!
        .data(t)
        .map((p) => {
          const v = p[1] as Record<string, number> | null;
          let x = 0;
          for (const [k, r] of Object.entries(v ?? {})) if (workerOf(k, address) !== null) x += r;
          return [p[0], x] as const;
        });
    const good = sum('miner_hash_rates');
    const dead = sum('miner_dead_hash_rates');
    return good.map(([time, hashRate], i) => ({ time, hashRate, deadHashRate: dead[i]![1] }));
  }
}
