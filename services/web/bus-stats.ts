// The reference JSON endpoints' data source (web/reference/source.ts) for a web service that has no
// tracker of its own: everything comes from the sharechain's GetStats / GetShare and the gateway's
// GetPeers, over the bus. One GetStats answer serves the endpoints for a second, so a dashboard
// polling several of them costs one call.
import type { SharechainClientImpl, SharechainStats } from '../gen/p2pool/v1/sharechain.ts';
import type { GetPeersResponse, PeerGatewayClientImpl } from '../gen/p2pool/v1/peer_gateway.ts';
import type { GlobalStats, LogSample, RecentBlock, ReferenceStatsSource } from '../pool/reference-stats.ts';

const CACHE_MS = 1_000;

// 32 little-endian bytes as the reference's hex (big-endian display order).
function displayHex(le: Uint8Array): string {
  return Buffer.from(le).reverse().toString('hex');
}

// JSON from the sharechain (referenceJson): integers beyond 2^53 (targets, abswork) become bigint
// again, so they are written back out exactly.
export function parseExactJson(text: string): any {
  if (!text) return null;
  return JSON.parse(text, (_k, v, c?: { source?: string }) =>
    typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) && c?.source && /^-?\d+$/.test(c.source)
      ? BigInt(c.source)
      : v,
  );
}

// A call's answer shared for CACHE_MS; a failed call is not kept.
function cachedCall<T>(call: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > CACHE_MS) {
      const value = call();
      const entry = { at: now, value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.value;
  };
}

export class BusStatsSource implements ReferenceStatsSource {
  readonly #p2pPort: number;
  readonly #sc: SharechainClientImpl;
  readonly stats: () => Promise<SharechainStats>;
  readonly peers: () => Promise<GetPeersResponse>;

  constructor(sc: SharechainClientImpl, gateway: PeerGatewayClientImpl, p2pPort: number) {
    this.#p2pPort = p2pPort;
    this.#sc = sc;
    this.stats = cachedCall(() => sc.GetStats({}));
    this.peers = cachedCall(() => gateway.GetPeers({}));
  }

  async rate(): Promise<number | null> {
    const s = await this.stats();
    return s.hasRate ? s.rate : null;
  }

  async difficulty(): Promise<number | null> {
    const s = await this.stats();
    return s.hasDifficulty ? s.difficulty : null;
  }

  async users(): Promise<Record<string, number>> {
    return (await this.stats()).users;
  }

  async fee(): Promise<number> {
    return (await this.stats()).workerFeePercent;
  }

  async currentPayouts(): Promise<Map<string, bigint>> {
    return new Map((await this.stats()).currentPayouts.map((p) => [p.address, p.amount]));
  }

  async globalStats(): Promise<GlobalStats | null> {
    const s = await this.stats();
    if (!s.hasGlobalStats) return null;
    return {
      pool_nonstale_hash_rate: s.poolNonstaleHashRate,
      pool_hash_rate: s.poolHashRate,
      pool_stale_prop: s.poolStaleProp,
      min_difficulty: s.minDifficulty,
      network_block_difficulty: s.networkBlockDifficulty,
      network_hashrate: s.networkHashRate,
    };
  }

  async localStats(): Promise<Record<string, unknown> | null> {
    return parseExactJson((await this.stats()).localStatsJson);
  }

  async peerAddresses(): Promise<string[]> {
    const r = await this.peers();
    return r.peers.map((p) => {
      const m = /^(.*):(\d+)$/.exec(p.address);
      return m && Number(m[2]) === this.#p2pPort ? m[1]! : p.address;
    });
  }

  async userStales(): Promise<Record<string, number>> {
    return (await this.stats()).userStales;
  }

  async pings(): Promise<Record<string, number | null>> {
    return Object.fromEntries((await this.peers()).peers.map((p) => [p.address, p.pingMs >= 0 ? p.pingMs : null]));
  }

  async peerVersions(): Promise<Record<string, string>> {
    return Object.fromEntries((await this.peers()).peers.map((p) => [p.address, p.subVersion]));
  }

  async payoutAddr(): Promise<string> {
    return (await this.stats()).payoutAddress;
  }

  async recentBlocks(): Promise<RecentBlock[]> {
    return (await this.stats()).recentBlocks.map((b) => ({
      ts: Number(b.ts),
      hash: displayHex(b.blockHash),
      number: b.number || null,
      share: displayHex(b.shareHash),
    }));
  }

  async uptime(): Promise<number> {
    return (await this.stats()).uptime;
  }

  async staleRates(): Promise<Record<string, number>> {
    return (await this.stats()).staleRates;
  }

  async bestShareHash(): Promise<string | null> {
    const h = (await this.stats()).bestShareHash;
    return h.length ? displayHex(h) : null;
  }

  async share(hashHex: string): Promise<Record<string, unknown> | null> {
    if (!/^[0-9a-fA-F]{1,64}$/.test(hashHex)) return null;
    const le = Buffer.from(hashHex.padStart(64, '0'), 'hex').reverse();
    const r = await this.#sc.GetShare({ hash: le });
    return r.found ? parseExactJson(r.referenceJson) : null;
  }

  async log(): Promise<LogSample[]> {
    return parseExactJson((await this.stats()).logJson) ?? [];
  }
}
