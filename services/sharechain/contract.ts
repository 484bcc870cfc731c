// The Sharechain contract (proto/p2pool/v1/sharechain.proto) over a Sharechain: one handler per RPC,
// so server.ts's loadLogic is `sharechainHandlers(new Sharechain(...), new ReferenceStats(...))` plus
// start/stop. Hashes travel as 32 bytes in internal (little-endian) order; big weights as unsigned LE.
import { u256FromLE, u256ToLE, u256ToHex, targetToAverageAttempts, bitsToTarget, parseBip34Height, uintToLE } from '../core/index.ts';
import { referenceJson } from '../pool/reference-json.ts';
import {
  ShareOutcome,
  type AddPeerSharesRequest,
  type AddPeerSharesResponse,
  type GetMissingParentsRequest,
  type GetMissingParentsResponse,
  type GetMinerSharesRequest,
  type GetMinerSharesResponse,
  type GetShareRequest,
  type GetShareResponse,
  type GetSharesRequest,
  type GetSharesResponse,
  type SharechainStats,
  type SubmitShareRequest,
  type SubmitShareResponse,
  type WorkBasis as WorkBasisMsg,
  type Sharechain as SharechainContract,
} from '../gen/p2pool/v1/sharechain.ts';
import { ShareSource } from '../gen/p2pool/v1/common.ts';
import type { Handlers } from '../runtime/contract.ts';
import type { Sharechain, ShareOutcome as Outcome } from './sharechain.ts';
import type { ReferenceStats } from './stats/reference-stats.ts';
import { minerWindow, userStales } from './stats/chain-stats.ts';
import { hashBytes, packedShare, SYNC, workBasisMessage, wrapShare } from '../pool/contract/work-basis.ts';

const OUTCOME: Record<Outcome, ShareOutcome> = {
  accepted: ShareOutcome.ACCEPTED,
  duplicate: ShareOutcome.DUPLICATE,
  invalid: ShareOutcome.INVALID,
  obsolete: ShareOutcome.OBSOLETE,
};

export function sharechainHandlers(sc: Sharechain, stats: ReferenceStats): Handlers<SharechainContract> {
  return {
    async SubmitShare(req: SubmitShareRequest): Promise<SubmitShareResponse> {
      const r = await sc.submitLocal(wrapShare(req.share), { doa: req.doa, miner: req.miner });
      return { hash: hashBytes(r.hash), outcome: OUTCOME[r.outcome], reason: r.reason, isBest: r.isBest };
    },
    async AddPeerShares(req: AddPeerSharesRequest): Promise<AddPeerSharesResponse> {
      const r = await sc.addPeerShares(req.shares.map(wrapShare), req.peer);
      return {
        results: r.results.map((x) => ({ hash: hashBytes(x.hash), outcome: OUTCOME[x.outcome], reason: x.reason })),
        misbehaving: r.misbehaving !== null,
        misbehavingReason: r.misbehaving ?? '',
      };
    },
    async GetWorkBasis(): Promise<WorkBasisMsg> {
      const b = sc.workBasis();
      if (!b) throw new Error('no work basis yet (the sharechain is still loading)');
      return workBasisMessage(b);
    },
    async GetShare(req: GetShareRequest): Promise<GetShareResponse> {
      const info = sc.shareInfo(u256FromLE(req.hash));
      if (!info) return { found: false, share: undefined, summary: undefined, referenceJson: '' };
      const s = info.share;
      let block = false;
      try {
        block = s.isBlock;
      } catch {
        block = false;
      }
      return {
        found: true,
        referenceJson: referenceJson(stats.share(u256ToHex(s.hash))),
        share: packedShare(s),
        summary: {
          hash: hashBytes(s.hash),
          previousHash: hashBytes(s.previousHash),
          type: BigInt(s.type),
          height: info.height,
          absheight: s.absheight,
          abswork: uintToLE(s.abswork),
          timestamp: s.timestamp,
          bits: s.shareInfo.bits,
          maxBits: s.shareInfo.maxBits,
          payoutAddress: s.address,
          verified: info.verified,
          inBestChain: info.inBestChain,
          source: s.timeSeen === 0 ? ShareSource.STORE : s.peerAddr === null ? ShareSource.LOCAL : ShareSource.PEER,
          peer: s.peerAddr ?? '',
          firstSeenMs: BigInt(Math.round(s.timeSeen * 1000)),
          isBlock: block,
          blockHash: block ? hashBytes(s.hash) : new Uint8Array(),
          staleInfo: s.staleInfo,
          children: info.children.map(hashBytes),
        },
      };
    },
    async GetShares(req: GetSharesRequest): Promise<GetSharesResponse> {
      const shares = sc.getShares(req.hashes.map(u256FromLE), req.parents, new Set(req.stops.map(u256FromLE)));
      return { shares: shares.map(packedShare), tooLong: false };
    },
    async GetMissingParents(req: GetMissingParentsRequest): Promise<GetMissingParentsResponse> {
      return {
        parents: sc.missingParents(req.max || Infinity).map((d) => ({ hash: hashBytes(d.hash), peer: d.peerAddr ?? '' })),
        stops: sc.downloadStops().map(hashBytes),
      };
    },
    async GetMinerShares(req: GetMinerSharesRequest): Promise<GetMinerSharesResponse> {
      const best = sc.bestShareHash();
      const w = minerWindow(sc.tracker, sc.net, best, req.address, Math.min(req.limit || 100, 1000));
      const payouts = stats.currentPayouts();
      let total = 0n;
      for (const v of payouts.values()) total += v;
      const mine = payouts.get(req.address) ?? 0n;
      return {
        address: req.address,
        windowShares: w.windowShares,
        shares: w.shares,
        orphan: w.orphan,
        dead: w.dead,
        weightFraction: total > 0n ? Number(mine) / Number(total) : 0,
        expectedPayout: mine,
        recent: w.recent.map((r) => ({
          hash: hashBytes(r.hash),
          timestamp: BigInt(r.timestamp),
          depth: r.depth,
          staleInfo: r.staleInfo,
          work: r.work,
          local: sc.own.has(r.hash),
        })),
      };
    },
    async GetStats(): Promise<SharechainStats> {
      const best = sc.bestShareHash();
      const t = sc.currentTemplate();
      const sync = sc.syncStatus();
      const gs = stats.globalStats();
      const eff = stats.efficiency();
      const stale = sc.own.staleCounts(sc.tracker, best);
      const height = best === null ? 0 : sc.tracker.getHeight(best);
      const attShare = best === null ? 0 : Number(targetToAverageAttempts(sc.tracker.get(best)!.maxTarget));
      const attBlock = t ? Number(targetToAverageAttempts(bitsToTarget(t.bits))) : 0;
      const rate = stats.rate() ?? 0;
      const local = sc.workBasis()?.localHashRate ?? 0;
      return {
        syncState: SYNC[sync.state],
        bestShareHash: hashBytes(best),
        height,
        sharesTotal: BigInt(stale.total),
        sharesVerified: BigInt(sc.tracker.verified.size),
        sharesOrphan: BigInt(stale.orphan),
        sharesDead: BigInt(stale.doa),
        poolHashRate: gs?.pool_hash_rate ?? rate,
        poolNonstaleHashRate: gs?.pool_nonstale_hash_rate ?? 0,
        poolStaleProp: gs?.pool_stale_prop ?? 0,
        localHashRate: local,
        efficiency: eff?.value ?? 0,
        efficiencyLow: eff?.low ?? 0,
        efficiencyHigh: eff?.high ?? 0,
        minDifficulty: gs?.min_difficulty ?? 0,
        networkBlockDifficulty: gs?.network_block_difficulty ?? 0,
        networkHashRate: gs?.network_hashrate ?? 0,
        attemptsToShare: attShare,
        attemptsToBlock: attBlock,
        expectedSecondsToShare: local > 0 ? attShare / local : 0,
        expectedSecondsToBlock: rate > 0 ? attBlock / rate : 0,
        blockValue: t?.subsidy ?? 0n,
        currentPayouts: [...stats.currentPayouts()].map(([address, amount]) => ({ address, amount })),
        recentBlocks: stats.recentBlocks().map((b) => ({
          ts: BigInt(b.ts),
          blockHash: u256ToLE(BigInt('0x' + b.hash)),
          number: b.number ?? 0,
          shareHash: u256ToLE(BigInt('0x' + b.share)),
        })),
        users: stats.users(),
        warnings: stats.warnings(),
        syncProgress: sync.progress,
        rate: stats.rate() ?? 0,
        hasRate: stats.rate() !== null,
        difficulty: stats.difficulty() ?? 0,
        hasDifficulty: stats.difficulty() !== null,
        hasGlobalStats: gs !== null,
        localStatsJson: referenceJson(stats.localStats()),
        staleRates: stats.staleRates(),
        logJson: referenceJson(stats.log()),
        payoutAddress: stats.payoutAddr(),
        workerFeePercent: stats.fee(),
        uptime: stats.uptime(),
        userStales: userStales(sc.tracker, best),
        desiredVersionFractions: stats.desiredVersionFractions(),
      };
    },
  };
}

void parseBip34Height;
