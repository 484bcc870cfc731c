// The node's statistics as the reference shows them: the ReferenceStatsSource behind the JSON
// endpoints (services/web/reference), the periodic status line, and the /web/log samples. Facts the
// sharechain does not own (peers, the edges' miner rates) come from providers.
import {
  targetToAverageAttempts,
  targetToDifficulty,
  bitsToTarget,
  parseBip34Height,
  u256ToHex,
  STALE_DOA,
  STALE_ORPHAN,
  checkShare,
  encodeTx,
  type RatchetDecision,
} from '../../core/index.ts';
import type { GlobalStats, LogSample, RecentBlock, ReferenceStatsSource } from '../../pool/reference-stats.ts';
import type { Sharechain } from '../sharechain.ts';
import {
  averageStaleProp,
  currentPayouts,
  globalStats,
  keyToAddress,
  poolRate,
  realPoolRate,
  recentBlocks,
  staleInfoName,
  staleRates,
  users,
  otherTxHashes,
} from './chain-stats.ts';
import { formatBinomialConf, formatDt, formatSI, binomialConfInterval } from './format.ts';

export interface LocalRates {
  /** H/s per miner ("address.worker"), from pseudoshares; and the dead (DOA) part. */
  miners: Record<string, number>;
  dead: Record<string, number>;
  /** Last share difficulty per address. */
  lastDifficulties: Record<string, number>;
}

export interface StatsProviders {
  peers?: () => { incoming: number; outgoing: number; addresses: string[] };
  localRates?: () => LocalRates;
  version?: string;
  protocolVersion?: number;
}

const LOG_KEEP_SECONDS = 86400;

export class ReferenceStats implements ReferenceStatsSource {
  private readonly sc: Sharechain;
  private readonly providers: StatsProviders;
  private readonly samples: LogSample[] = [];
  private blocksCache: { best: bigint | null; blocks: RecentBlock[] } | null = null;

  constructor(sc: Sharechain, providers: StatsProviders = {}) {
    this.sc = sc;
    this.providers = providers;
  }

  private get best(): bigint | null {
    return this.sc.bestShareHash();
  }

  private peerInfo() {
    return this.providers.peers?.() ?? { incoming: 0, outgoing: 0, addresses: [] };
  }

  private rates(): LocalRates {
    return this.providers.localRates?.() ?? { miners: {}, dead: {}, lastDifficulties: {} };
  }

  rate(): number | null {
    return realPoolRate(this.sc.tracker, this.best);
  }

  difficulty(): number | null {
    const b = this.best;
    return b === null ? null : targetToDifficulty(this.sc.tracker.get(b)!.maxTarget);
  }

  users(): Record<string, number> {
    return users(this.sc.tracker, this.sc.net, this.best);
  }

  fee(): number {
    return this.sc.payout.workerFeePercent;
  }

  currentPayouts(): Map<string, bigint> {
    const t = this.sc.currentTemplate();
    return currentPayouts(this.sc.tracker, this.sc.net, this.best, t?.bits ?? null, t?.subsidy ?? null);
  }

  globalStats(): GlobalStats | null {
    return globalStats(this.sc.tracker, this.sc.net, this.best, this.sc.currentTemplate()?.bits ?? null);
  }

  /** My shares in the last hour of the chain and the node's efficiency (web.py get_local_stats). */
  localStats(): Record<string, unknown> | null {
    const { tracker, net } = this.sc;
    const best = this.best;
    if (best === null) return null;
    const height = tracker.getHeight(best);
    if (height < 10) return null;
    const lookbehind = Math.min(height, Math.floor(3600 / net.SHARE_PERIOD));
    const globalStaleProp = averageStaleProp(tracker, best, lookbehind);
    let unstale = 0,
      orphan = 0,
      doa = 0;
    let myWork = 0n;
    let i = 0;
    for (const s of tracker.getChain(best, lookbehind)) {
      const mine = this.sc.own.has(s.hash);
      if (mine) {
        unstale++;
        if (s.staleInfo === STALE_ORPHAN) orphan++;
        if (s.staleInfo === STALE_DOA) doa++;
        if (i < lookbehind - 1) myWork += targetToAverageAttempts(s.target);
      }
      i++;
    }
    const shareCount = unstale + orphan + doa;
    const staleCount = orphan + doa;
    const far = tracker.get(tracker.getNthParentHash(best, lookbehind - 1)!)!;
    const actualTime = tracker.get(best)!.timestamp - far.timestamp;
    const shareAttS = actualTime > 0 ? Number(myWork) / actualTime : 0;
    const stale = this.sc.own.staleCounts(tracker, best);
    const rates = this.rates();
    const peers = this.peerInfo();
    const t = this.sc.currentTemplate();
    return {
      my_hash_rates_in_last_hour: {
        note: 'DEPRECATED',
        nonstale: shareAttS,
        rewarded: shareAttS / (1 - globalStaleProp),
        actual: shareAttS / (1 - (shareCount ? staleCount / shareCount : 0)),
      },
      my_share_counts_in_last_hour: {
        shares: shareCount,
        unstale_shares: unstale,
        stale_shares: staleCount,
        orphan_stale_shares: orphan,
        doa_stale_shares: doa,
      },
      my_stale_proportions_in_last_hour: {
        stale: shareCount ? staleCount / shareCount : null,
        orphan_stale: shareCount ? orphan / shareCount : null,
        dead_stale: shareCount ? doa / shareCount : null,
      },
      miner_hash_rates: rates.miners,
      miner_dead_hash_rates: rates.dead,
      miner_last_difficulties: rates.lastDifficulties,
      efficiency_if_miner_perfect: stale.total ? (1 - stale.orphan / stale.total) / (1 - globalStaleProp) : null,
      efficiency: stale.total ? (1 - (stale.orphan + stale.doa) / stale.total) / (1 - globalStaleProp) : null,
      peers: { incoming: peers.incoming, outgoing: peers.outgoing },
      shares: { total: stale.total, orphan: stale.orphan, dead: stale.doa },
      uptime: this.uptime(),
      attempts_to_share: Number(targetToAverageAttempts(tracker.get(best)!.maxTarget)),
      attempts_to_block: t ? Number(targetToAverageAttempts(bitsToTarget(t.bits))) : null,
      block_value: t ? Number(t.subsidy) * 1e-8 : null,
      warnings: this.warnings(),
      donation_proportion: this.sc.payout.donationPercent / 100,
      version: this.providers.version ?? 'p2pool-ts',
      protocol_version: this.providers.protocolVersion ?? 3500,
      fee: this.sc.payout.workerFeePercent,
      // [V36] which share version this node mints and why (docs/consensus-core.md, V36).
      ...(this.sc.shareVersionDecision() ? { share_version: shareVersionStats(this.sc.shareVersionDecision()!) } : {}),
    };
  }

  /** The work behind each desired (voted) share version over the last hour of shares. */
  desiredVersionWork(): { counts: Map<number, bigint>; total: bigint } {
    const { tracker, net } = this.sc;
    const best = this.best;
    const counts = new Map<number, bigint>();
    let total = 0n;
    if (best === null) return { counts, total };
    const n = Math.min(net.CHAIN_LENGTH, Math.floor(3600 / net.SHARE_PERIOD), tracker.getHeight(best));
    for (const s of tracker.getChain(best, n)) {
      const w = targetToAverageAttempts(s.target);
      counts.set(s.desiredVersion, (counts.get(s.desiredVersion) ?? 0n) + w);
      total += w;
    }
    return { counts, total };
  }

  /** Each desired share version's fraction of that work (the reference's desired_version_rates / pool rate). */
  desiredVersionFractions(): Record<string, number> {
    const { counts, total } = this.desiredVersionWork();
    const out: Record<string, number> = {};
    if (total > 0n) for (const [v, w] of counts) out[String(v)] = Number(w) / Number(total);
    return out;
  }

  /** `get_warnings` (docs/protocol.md §5.6): a majority voting for a share version this node does not know. */
  warnings(): string[] {
    const out: string[] = [];
    const { counts, total } = this.desiredVersionWork();
    for (const [v, w] of counts) {
      if (w * 2n > total && !this.sc.knownVersion(v)) {
        out.push(
          `A MAJORITY OF SHARES CONTAIN A VOTE FOR AN UNSUPPORTED SHARE IMPLEMENTATION! (v${v} with ${(Number((w * 10000n) / total) / 100).toFixed(2)}% support)\nAn upgrade is likely necessary. Check https://github.com/jtoomim/p2pool for more information.`,
        );
      }
    }
    return out;
  }

  peerAddresses(): string[] {
    return this.peerInfo().addresses;
  }

  payoutAddr(): string {
    return this.sc.payout.address;
  }

  recentBlocks(): RecentBlock[] {
    const best = this.best;
    if (this.blocksCache?.best !== best) {
      this.blocksCache = {
        best,
        blocks: recentBlocks(this.sc.tracker, this.sc.net, best, (cb) => {
          try {
            return parseBip34Height(cb);
          } catch {
            return null;
          }
        }),
      };
    }
    return this.blocksCache!.blocks;
  }

  uptime(): number {
    return this.sc.now() - this.sc.startedAt;
  }

  staleRates(): Record<string, number> {
    return staleRates(this.sc.tracker, this.best);
  }

  bestShareHash(): string | null {
    const b = this.best;
    return b === null ? null : u256ToHex(b);
  }

  /** /web/share/<hash>: the reference's object; 256-bit targets stay exact (bigint). */
  share(hashHex: string): Record<string, unknown> | null {
    if (!/^[0-9a-fA-F]{1,64}$/.test(hashHex)) return null;
    const info = this.sc.shareInfo(BigInt('0x' + hashHex));
    if (!info) return null;
    const { share } = info;
    const tracker = this.sc.tracker;
    const c = share.contents;
    const d = c.shareInfo.shareData;
    const kids = (h: bigint) => tracker.node(h)?.children.length ?? 0;
    const children = [...info.children].sort((a, b) => kids(b) - kids(a));
    const header = share.header;
    let other: bigint[] = [];
    try {
      other = otherTxHashes(tracker, share);
    } catch {
      other = [];
    }
    // The generation transaction is rebuilt from the share's ancestors (a page view, not a hot path);
    // null, not a made-up string, when they are not all here.
    let raw: string | null = null;
    try {
      raw = encodeTx(checkShare(tracker, share, { now: Number.MAX_SAFE_INTEGER }).gentx, false).toString('hex');
    } catch {
      raw = null;
    }
    return {
      parent: share.previousHash === null ? null : u256ToHex(share.previousHash),
      far_parent: c.shareInfo.farShareHash === null ? null : u256ToHex(c.shareInfo.farShareHash),
      children: children.map(u256ToHex),
      type_name: share.rules.className,
      local: {
        verified: info.verified,
        time_first_seen: share.timeSeen === 0 ? this.sc.startedAt : share.timeSeen,
        peer_first_received_from: share.peerAddr,
      },
      share_data: {
        timestamp: share.timestamp,
        target: share.target,
        max_target: share.maxTarget,
        payout_address: keyToAddress(this.sc.net, share.payoutKey) ?? share.address,
        donation: d.donation / 65535,
        stale_info: staleInfoName(d.staleInfo),
        nonce: d.nonce,
        desired_version: d.desiredVersion,
        absheight: share.absheight,
        abswork: share.abswork,
      },
      block: {
        hash: u256ToHex(share.hash),
        header: {
          version: header.version,
          previous_block: u256ToHex(header.previousBlock),
          merkle_root: u256ToHex(header.merkleRoot),
          timestamp: header.timestamp,
          target: bitsToTarget(header.bits),
          nonce: header.nonce,
        },
        gentx: {
          hash: u256ToHex(share.gentxHash),
          raw,
          coinbase: (d.coinbase.length < 2 ? Buffer.concat([d.coinbase, Buffer.alloc(2 - d.coinbase.length)]) : d.coinbase).toString('hex'),
          value: Number(d.subsidy) * 1e-8,
          last_txout_nonce: c.lastTxoutNonce.toString(16).padStart(16, '0'),
        },
        other_transaction_hashes: other.map(u256ToHex),
      },
    };
  }

  log(): LogSample[] {
    return this.samples.slice();
  }

  /** Called every 5 minutes: one /web/log sample, kept for 24 h. */
  sampleLog(): LogSample {
    const best = this.best;
    const { tracker, net } = this.sc;
    const height = best === null ? 0 : tracker.getHeight(best);
    const lookbehind = Math.min(height, Math.floor(3600 / net.SHARE_PERIOD));
    const stale = this.sc.own.staleCounts(tracker, best);
    const t = this.sc.currentTemplate();
    const rates = this.rates();
    const payouts = this.currentPayouts();
    const peers = this.peerInfo();
    const local: Record<string, number> = {};
    const dead: Record<string, number> = {};
    for (const [k, v] of Object.entries(rates.miners)) local[k] = v;
    for (const [k, v] of Object.entries(rates.dead)) dead[k] = v;
    const rate = best !== null && lookbehind >= 2 ? poolRate(tracker, best, lookbehind) : null;
    const staleProp = best !== null && lookbehind >= 2 ? averageStaleProp(tracker, best, lookbehind) : null;
    const sample: LogSample = {
      time: this.sc.now(),
      pool_hash_rate: rate !== null && staleProp !== null ? rate / (1 - staleProp) : null,
      pool_stale_prop: staleProp,
      local_hash_rates: local,
      local_dead_hash_rates: dead,
      shares: stale.total,
      stale_shares: stale.orphan + stale.doa,
      stale_shares_breakdown: { orphan: stale.orphan, doa: stale.doa },
      current_payout: Number(payouts.get(this.sc.payout.address) ?? 0n) * 1e-8,
      peers: { incoming: peers.incoming, outgoing: peers.outgoing },
      attempts_to_share: best === null ? null : Number(targetToAverageAttempts(tracker.get(best)!.maxTarget)),
      attempts_to_block: t ? Number(targetToAverageAttempts(bitsToTarget(t.bits))) : null,
      block_value: t ? Number(t.subsidy) * 1e-8 : null,
    };
    this.samples.push(sample);
    while (this.samples.length && this.samples[0]!.time < sample.time - LOG_KEEP_SECONDS) this.samples.shift();
    return sample;
  }

  /**
   * The status line the reference prints every 30 s ([JT] main.py status_thread): chain and peers,
   * local rate and DOA, my shares with orphan/dead counts, stale rate and efficiency with their 95 %
   * intervals, my current payout, pool rate and expected time to block.
   */
  statusLine(): string {
    const { tracker, net } = this.sc;
    const best = this.best;
    const height = best === null ? 0 : tracker.getHeight(best);
    const peers = this.peerInfo();
    const lines = [
      `P2Pool: ${height} shares in chain (${tracker.verified.size} verified/${tracker.size} total) Peers: ${peers.incoming + peers.outgoing} (${peers.incoming} incoming)`,
    ];
    const rates = this.rates();
    const myAttS = Object.values(rates.miners).reduce((a, b) => a + b, 0);
    const deadAttS = Object.values(rates.dead).reduce((a, b) => a + b, 0);
    const shareAtt = best === null ? 0 : Number(targetToAverageAttempts(tracker.get(best)!.target));
    const sync = this.sc.syncStatus();
    if (sync.state !== 'synced') lines.push(` Sync: ${sync.state} (${(100 * sync.progress).toFixed(1)}%) ${sync.detail}`);
    lines.push(
      ` Local: ${formatSI(Math.trunc(myAttS))}H/s Local dead on arrival: ${myAttS ? `~${((100 * deadAttS) / myAttS).toFixed(1)}%` : '???'} Expected time to share: ${myAttS && shareAtt ? formatDt(shareAtt / myAttS) : '???'}`,
    );
    if (best !== null && height > 2) {
      const stale = this.sc.own.staleCounts(tracker, best);
      const n = Math.min(Math.floor(3600 / net.SHARE_PERIOD), height);
      const staleProp = averageStaleProp(tracker, best, n);
      const realAttS = (poolRate(tracker, best, Math.min(height - 1, Math.floor(3600 / net.SHARE_PERIOD))) ?? 0) / (1 - staleProp);
      const payout = this.currentPayouts().get(this.sc.payout.address) ?? 0n;
      const sym = net.PARENT.SYMBOL;
      lines.push(
        ` Shares: ${stale.total} (${stale.orphan} orphan, ${stale.doa} dead) Stale rate: ${formatBinomialConf(stale.orphan + stale.doa, stale.total)} Efficiency: ${formatBinomialConf(stale.orphan + stale.doa, stale.total, (x) => (1 - x) / (1 - staleProp))} Current payout: ${(Number(payout) * 1e-8).toFixed(8)} ${sym}`,
      );
      const t = this.sc.currentTemplate();
      const toBlock = t && realAttS > 0 ? formatDt(Number(targetToAverageAttempts(bitsToTarget(t.bits))) / realAttS) : '???';
      lines.push(
        ` Pool: ${formatSI(Math.trunc(realAttS))}H/s Stale rate: ${(100 * staleProp).toFixed(1)}% Expected time to block: ${toBlock}`,
      );
    }
    for (const w of this.warnings()) lines.push(`${'#'.repeat(40)}\n>>> Warning: ${w}\n${'#'.repeat(40)}`);
    return lines.join('\n');
  }

  /** Own efficiency and its 95 % interval (for GetStats). */
  efficiency(): { value: number; low: number; high: number } | null {
    const { tracker, net } = this.sc;
    const best = this.best;
    if (best === null) return null;
    const stale = this.sc.own.staleCounts(tracker, best);
    if (!stale.total) return null;
    const n = Math.min(Math.floor(3600 / net.SHARE_PERIOD), tracker.getHeight(best));
    const sp = averageStaleProp(tracker, best, n);
    const f = (x: number) => (1 - x) / (1 - sp);
    const [a, b] = binomialConfInterval(stale.orphan + stale.doa, stale.total).map(f) as [number, number];
    return { value: f((stale.orphan + stale.doa) / stale.total), low: Math.min(a, b), high: Math.max(a, b) };
  }
}

function shareVersionStats(d: RatchetDecision): Record<string, unknown> {
  return {
    minting: d.version,
    ratchet_state: d.state,
    reason: d.reason,
    vote_percent: d.votePercent,
    v36_percent: d.sharePercent,
    voting_origins: d.origins,
  };
}
