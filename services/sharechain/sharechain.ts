// The Sharechain: the node's memory of the pool. It owns the tracker, takes shares from local miners
// (via the edge) and from peers (via the peer gateway), stores them durably before answering, runs
// think() as the reference does (after new shares, on a template change, every 5 s) and prunes,
// publishes the work basis, and reports its sync state. Statistics are computed over it in stats/.
import {
  ShareTracker,
  think,
  pruneTracker,
  parseWrappedShare,
  shareVersion,
  bitsToTarget,
  nextStaleInfo,
  ShareRuleError,
  type Network,
  type Share,
  type ThinkResult,
} from '../core/index.ts';
import { referenceStops, serveChain } from '../pool/share-exchange.ts';
import type { AddSharesResult, ShareSource } from '../pool/share-source.ts';
import type { DroppedRecord, ShareStore, StoreRecord } from './store/types.ts';
import { OwnShares } from './own-shares.ts';
import { buildWorkBasis, type SyncStateName, type WorkBasis } from '../pool/work/basis.ts';
import { u256ToHex, VersionRatchet, type RatchetDecision } from '../core/index.ts';
import type { RatchetStateStore } from './ratchet-state.ts';
import { metrics } from '@opentelemetry/api';
import { inSpan } from '../runtime/tracing.ts';

const SCOPE = 'p2pool.sharechain';

/** The template facts the sharechain needs (from the template builder's BlockTemplate). */
export interface ChainTemplate {
  templateId: number;
  previousBlock: bigint;
  bits: number;
  /** Height of the block being mined. */
  height: number;
  /** coinbasevalue, satoshis. */
  subsidy: bigint;
}

/** What the sharechain calls on the peer gateway (PeerGateway satisfies it). */
export interface PeerHooks {
  broadcastShare(hash: bigint, chain: readonly Share[]): unknown;
  setDesired(list: readonly { hash: bigint; peerAddr: string | null }[]): void;
  punishPeer(peerAddr: string, reason: string): void;
  noteVerified?(share: Share, counts: ReadonlyMap<number, bigint> | null): void;
}

export interface PayoutConfig {
  /** Validated node payout address (payout.ts). */
  address: string;
  /** -f: percentage of miners' work paid to the node's address. */
  workerFeePercent: number;
  /** --give-author: percentage donated. */
  donationPercent: number;
}

export interface SyncStatus {
  state: SyncStateName;
  /** 0..1 */
  progress: number;
  detail: string;
  /** What the last load could not use. */
  dropped: DroppedRecord[];
}

export type ShareOutcome = 'accepted' | 'duplicate' | 'invalid' | 'obsolete';

export interface ShareResult {
  hash: bigint | null;
  outcome: ShareOutcome;
  reason: string;
}

export interface SharechainLog {
  debug?(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface SharechainOptions {
  net: Network;
  store: ShareStore;
  payout: PayoutConfig;
  /** Seconds since the epoch (tests pin it near their chains' timestamps). */
  now?: () => number;
  log?: SharechainLog;
  /** think() + prune period; 0 = no timer (tests call tick()). Reference: 5 s. */
  thinkIntervalMs?: number;
  /** No work until a peer gave us a chain (default: the network's PERSIST flag). A chain loaded from
   *  disk that is complete counts as synced without peers, so a restart serves work at once. */
  requirePeersForGenesis?: boolean;
  /** think()'s random child choice (tests). */
  random?: () => number;
  /** [V36] where the version ratchet's state is kept across restarts (none: memory only), and what it held at start. */
  ratchetState?: { store: RatchetStateStore; saved: unknown };
  /** --max-share-version: mint and vote for no share version above this. */
  maxShareVersion?: number;
}

const NULL_LOG: SharechainLog = { info() {}, warn() {} };
const BASIS_FIELDS_UNCHANGED = Symbol('unchanged');

export class Sharechain implements ShareSource {
  readonly net: Network;
  readonly tracker = new ShareTracker();
  readonly own = new OwnShares();
  readonly startedAt: number;
  readonly payout: PayoutConfig;
  private readonly store: ShareStore;
  private readonly log: SharechainLog;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly thinkIntervalMs: number;
  private readonly requirePeersForGenesis: boolean;

  private best: bigint | null = null;
  private thought: ThinkResult | null = null;
  private template: ChainTemplate | null = null;
  private readonly blockHeights = new Map<bigint, number>();
  private peers: PeerHooks | null = null;
  private peerCount = 0;
  private sync: SyncStatus = { state: 'loading', progress: 0, detail: 'loading shares from the store', dropped: [] };
  private everSynced = false;
  private basis: WorkBasis | null = null;
  private basisId = 0;
  private basisKey: string | typeof BASIS_FIELDS_UNCHANGED = '';
  private readonly basisListeners = new Set<(b: WorkBasis) => void>();
  private readonly syncListeners = new Set<(s: SyncStatus) => void>();
  private readonly blockListeners = new Set<(s: Share) => void>();
  /** Shares being written to the store (not yet in the tracker): hash → the write. */
  private readonly pending = new Map<bigint, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private lastGentx: { size: number; weight: number } | undefined;
  private localHashRate: number | null = null;
  private invalidCount = 0;
  private stopped = false;

  constructor(opts: SharechainOptions) {
    this.net = opts.net;
    this.store = opts.store;
    this.payout = opts.payout;
    this.log = opts.log ?? NULL_LOG;
    this.ratchetState = opts.ratchetState;
    this.maxShareVersion = opts.maxShareVersion;
    this.clock = opts.now ?? (() => Date.now() / 1000);
    this.random = opts.random ?? Math.random;
    this.thinkIntervalMs = opts.thinkIntervalMs ?? 5000;
    this.requirePeersForGenesis = opts.requirePeersForGenesis ?? opts.net.PERSIST;
    this.startedAt = this.clock();
  }

  now(): number {
    return this.clock();
  }

  // ---- lifecycle ----

  /** Loads the store into the tracker (trusting its verified marks, as the reference does), thinks, starts the timer. */
  async start(): Promise<void> {
    const t0 = performance.now();
    this.setSync({ state: 'loading', progress: 0, detail: `loading shares from ${this.store.describe}` });
    const parsed = new Map<bigint, Share>();
    const result = await this.store.load({
      identify: (packed) => {
        try {
          const s = parseWrappedShare(this.net, packed);
          parsed.set(s.hash, s);
          return s.hash;
        } catch {
          return null;
        }
      },
      onProgress: (p) =>
        this.setSync({
          state: 'loading',
          progress: p.fraction,
          detail: `loading shares from ${this.store.describe}: ${p.records} records`,
        }),
    });
    const shares = [...parsed.values()];
    this.tracker.addMany(shares);
    this.tracker.verified.addMany(shares.filter((s) => result.verified.has(s.hash)));
    for (const d of result.dropped.slice(0, 20)) this.log.warn('share store: dropped a record', { where: d.where, reason: d.reason });
    if (result.dropped.length)
      this.log.warn(`share store: dropped ${result.dropped.length} unreadable record(s); their shares will be fetched from peers`);
    this.sync.dropped = result.dropped;
    this.log.info(
      `loaded ${shares.length} shares (${this.tracker.verified.size} verified) from ${this.store.describe} in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
    );
    this.rethink('load');
    if (this.thinkIntervalMs > 0) {
      this.timer = setInterval(() => this.tick(), this.thinkIntervalMs);
      this.timer.unref?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.pending.values()]);
    await this.store.close();
  }

  /** The 5-second housekeeping (`clean_tracker`): think, prune, think again. */
  tick(): void {
    if (this.stopped) return;
    this.rethink('timer');
    this.prune();
    this.rethink('prune');
  }

  // ---- inputs ----

  attachPeers(hooks: PeerHooks): void {
    this.peers = hooks;
  }

  /** Connected peer count (from the gateway's events); 0 peers blocks genesis work on PERSIST networks. */
  setPeerCount(n: number): void {
    this.peerCount = n;
    this.updateSync();
  }

  setTemplate(t: ChainTemplate): void {
    const prev = this.template;
    this.template = t;
    this.blockHeights.set(t.previousBlock, t.height - 1);
    if (this.blockHeights.size > 4096) this.blockHeights.delete(this.blockHeights.keys().next().value!);
    if (!prev || prev.previousBlock !== t.previousBlock || prev.bits !== t.bits) this.rethink('template');
    else this.updateSync();
  }

  /** Local hash rate estimate (H/s) from the edges' pseudoshares, carried in the basis for target choice. */
  setLocalHashRate(rate: number | null): void {
    this.localHashRate = rate;
  }

  /**
   * A share from a local miner. Resolves after it is stored durably (then it is in the tracker and,
   * if on time, best-share selection has run). DOA shares are kept only while their parent has < 4
   * children ([JT], docs/protocol.md §8.6), and do not trigger a rethink.
   */
  async submitLocal(
    packedOrShare: Buffer | Share,
    meta: { doa?: boolean; miner?: string } = {},
  ): Promise<ShareResult & { isBest: boolean }> {
    let share: Share;
    try {
      share = Buffer.isBuffer(packedOrShare) ? parseWrappedShare(this.net, packedOrShare) : packedOrShare;
    } catch (e) {
      return { hash: null, ...this.classify(e), isBest: false };
    }
    const doa = meta.doa ?? false;
    if (this.tracker.has(share.hash))
      return { hash: share.hash, outcome: 'duplicate', reason: 'already known', isBest: this.best === share.hash };
    const inflight = this.pending.get(share.hash);
    if (inflight) {
      await inflight;
      return { hash: share.hash, outcome: 'duplicate', reason: 'already known', isBest: this.best === share.hash };
    }
    if (doa && share.previousHash !== null && (this.tracker.node(share.previousHash)?.children.length ?? 0) >= 4) {
      return { hash: share.hash, outcome: 'invalid', reason: 'dead on arrival and its parent already has 4 children', isBest: false };
    }
    share.timeSeen = this.clock();
    share.peerAddr = null;
    this.own.add(share.hash, doa, meta.miner ?? '', share.timeSeen);
    const attrs = { 'p2pool.share.hash': share.hash.toString(16).padStart(64, '0') };
    // Accepted = stored durably and in the tracker; the verification (and any relay of a new best
    // share) runs in the rethink after it.
    await inSpan(SCOPE, 'share accept', attrs, async () => {
      await this.persist([share]);
      if (!this.tracker.has(share.hash)) this.tracker.add(share);
    });
    if (!doa) inSpan(SCOPE, 'share verify', attrs, () => this.rethink('local share'));
    if (share.isBlock) for (const l of this.blockListeners) l(share);
    return { hash: share.hash, outcome: 'accepted', reason: '', isBest: this.best === share.hash };
  }

  /** Packed shares from a peer (`shares` / `sharereply`). Resolves after the new ones are stored. */
  async addPeerShares(packed: readonly Buffer[], peer: string): Promise<{ results: ShareResult[]; misbehaving: string | null }> {
    const results: ShareResult[] = [];
    const shares: Share[] = [];
    let misbehaving: string | null = null;
    for (const p of packed) {
      try {
        const s = parseWrappedShare(this.net, p);
        shares.push(s);
        results.push({ hash: s.hash, outcome: 'accepted', reason: '' });
      } catch (e) {
        const c = this.classify(e);
        results.push({ hash: null, ...c });
        if (c.outcome === 'invalid' && e instanceof ShareRuleError && e.misbehaving) misbehaving ??= c.reason;
      }
    }
    const res = await this.addShares(shares, { peer });
    const fresh = new Set(res.newHashes);
    for (const r of results) {
      if (r.outcome !== 'accepted' || r.hash === null) continue;
      if (fresh.has(r.hash))
        fresh.delete(r.hash); // the first copy is the accepted one
      else {
        r.outcome = 'duplicate';
        r.reason = 'already known';
      }
    }
    return { results, misbehaving };
  }

  // ---- ShareSource (the peer gateway) ----

  bestShareHash(): bigint | null {
    return this.best;
  }

  has(hash: bigint): boolean {
    return this.tracker.has(hash) || this.pending.has(hash);
  }

  getShares(hashes: readonly bigint[], parents: number, stops: ReadonlySet<bigint>): Share[] {
    return serveChain(
      this.tracker,
      hashes.filter((h) => this.tracker.has(h)),
      parents,
      stops,
    );
  }

  downloadStops(): bigint[] {
    return referenceStops(this.tracker);
  }

  bestShareVersion(): number | null {
    return this.best === null ? null : (this.tracker.get(this.best)?.type ?? null);
  }

  /** Parsed shares from a peer: stored, then added, then think(). */
  async addShares(shares: readonly Share[], from: { peer: string; txs?: readonly Buffer[] }): Promise<AddSharesResult> {
    const now = this.clock();
    const fresh: Share[] = [];
    const seen = new Set<bigint>();
    for (const s of shares) {
      if (this.tracker.has(s.hash) || this.pending.has(s.hash) || seen.has(s.hash)) continue;
      seen.add(s.hash);
      s.timeSeen = now;
      s.peerAddr = from.peer;
      fresh.push(s);
    }
    // One debug line per share event (docs/operations: following a share), as the reference logs them.
    if (this.log.debug) {
      for (const s of shares) {
        this.log.debug('share received from peer', {
          share: u256ToHex(s.hash),
          peer: from.peer,
          prev: s.previousHash === null ? null : u256ToHex(s.previousHash),
          outcome: seen.has(s.hash) ? 'new' : 'already known',
        });
      }
    }
    if (!fresh.length) return { newHashes: [] };
    await this.persist(fresh);
    const add = fresh.filter((s) => !this.tracker.has(s.hash));
    this.tracker.addMany(add);
    this.rethink('peer shares');
    return { newHashes: fresh.map((s) => s.hash) };
  }

  // ---- outputs ----

  onWorkBasis(listener: (b: WorkBasis) => void): () => void {
    this.basisListeners.add(listener);
    return () => this.basisListeners.delete(listener);
  }

  onSyncState(listener: (s: SyncStatus) => void): () => void {
    this.syncListeners.add(listener);
    return () => this.syncListeners.delete(listener);
  }

  /** A local share that is also a block of the coin network. */
  onBlockFound(listener: (s: Share) => void): () => void {
    this.blockListeners.add(listener);
    return () => this.blockListeners.delete(listener);
  }

  workBasis(): WorkBasis | null {
    return this.basis;
  }

  syncStatus(): SyncStatus {
    return { ...this.sync };
  }

  /** Ready for miners: synced with the full node (a template) and the chain. */
  isReady(): boolean {
    return this.sync.state === 'synced';
  }

  currentTemplate(): ChainTemplate | null {
    return this.template;
  }

  lastThink(): ThinkResult | null {
    return this.thought;
  }

  /** The reference's `desired` set: missing parents worth fetching, with a peer hint. */
  missingParents(max = Infinity): { hash: bigint; peerAddr: string | null }[] {
    const out: { hash: bigint; peerAddr: string | null }[] = [];
    const seen = new Set<bigint>();
    for (const d of this.thought?.desired ?? []) {
      if (seen.has(d.hash) || out.length >= max) continue;
      seen.add(d.hash);
      out.push({ hash: d.hash, peerAddr: d.peerAddr });
    }
    return out;
  }

  invalidShares(): number {
    return this.invalidCount;
  }

  // ---- internals ----

  private classify(e: unknown): { outcome: ShareOutcome; reason: string } {
    if (e instanceof ShareRuleError && e.rule === 'obsolete') return { outcome: 'obsolete', reason: e.message };
    return { outcome: 'invalid', reason: (e as Error).message };
  }

  /** Durable before acknowledged: the store resolves after fsync / JetStream ack. */
  private async persist(shares: readonly Share[]): Promise<void> {
    const records: StoreRecord[] = shares.map((s) => ({ kind: 'share', hash: s.hash, packed: s.pack() }));
    const write = this.store.append(records);
    for (const s of shares) this.pending.set(s.hash, write);
    try {
      await write;
    } finally {
      for (const s of shares) if (this.pending.get(s.hash) === write) this.pending.delete(s.hash);
    }
  }

  private blockRelHeight = (blockHash: bigint): number => {
    const t = this.template;
    if (!t) return 0;
    const h = this.blockHeights.get(blockHash);
    return h === undefined ? -1e9 : h - (t.height - 1);
  };

  /** `set_best_share`: think(), then tell the gateway and the edges what changed. */
  rethink(reason: string): void {
    if (this.stopped) return;
    const t = this.template;
    const verifiedMarks: StoreRecord[] = [];
    const r = think(this.tracker, {
      net: this.net,
      previousBlock: t?.previousBlock ?? 0n,
      bits: t?.bits ?? 0,
      blockRelHeight: this.blockRelHeight,
      now: Math.floor(this.clock()),
      random: this.random,
      onVerified: (s, res) => {
        this.log.debug?.('share verified', {
          share: u256ToHex(s.hash),
          height: this.tracker.getHeight(s.hash),
          peer: s.peerAddr ?? 'local',
          outcome: 'verified',
        });
        verifiedMarks.push({ kind: 'verified', hash: s.hash });
        this.lastGentx = { size: res.gentxSize, weight: res.gentxWeight };
        this.peers?.noteVerified?.(s, res.versionCounts);
      },
      onInvalid: (s, e) => {
        this.invalidCount++;
        this.log.warn('share failed verification', { hash: u256ToHex(s.hash), peer: s.peerAddr, reason: e.message, outcome: 'rejected' });
        this.store.forget([s.hash]);
      },
    });
    // Verified marks only save work at the next start: written in the background.
    if (verifiedMarks.length)
      this.store
        .append(verifiedMarks)
        .catch((e) => this.log.warn('share store: writing verified marks failed', { error: (e as Error).message }));
    this.thought = r;
    for (const peer of r.badPeers) this.peers?.punishPeer(peer, 'sent a share that failed verification');
    const changed = r.best !== this.best;
    this.best = r.best;
    if (changed && r.best !== null) {
      const best = r.best;
      this.log.debug?.('share relayed to peers', {
        share: u256ToHex(best),
        height: this.tracker.getHeight(best),
        peer: this.tracker.get(best)?.peerAddr ?? 'local',
        outcome: 'new best',
      });
      inSpan(SCOPE, 'share relay', { 'p2pool.share.hash': best.toString(16).padStart(64, '0') }, () =>
        this.peers?.broadcastShare(best, [...this.tracker.getChain(best, Math.min(5, this.tracker.getHeight(best)))]),
      );
    }
    this.peers?.setDesired(r.desired.map((d) => ({ hash: d.hash, peerAddr: d.peerAddr })));
    this.updateSync();
    this.refreshBasis(reason);
  }

  private prune(): void {
    if (!this.thought) return;
    // Which of my shares are in the best chain, before pruning takes them (their counts live on).
    const inChain = this.own.inChainSnapshot(this.tracker, this.best);
    const removed = pruneTracker(this.tracker, { net: this.net, now: this.clock(), thought: this.thought });
    if (!removed.length) return;
    this.own.noteRemoved(removed, inChain);
    this.store.forget(removed);
  }

  private staleInfo(): number {
    return nextStaleInfo(this.own.staleCounts(this.tracker, this.best).counts);
  }

  /** [V36] which share version this node mints and why (docs/consensus-core.md, V36). */
  private ratchetInstance: VersionRatchet | null = null;
  private readonly ratchetState: { store: RatchetStateStore; saved: unknown } | undefined;
  private readonly maxShareVersion: number | undefined;
  private get ratchet(): VersionRatchet {
    if (!this.ratchetInstance) {
      const r = new VersionRatchet({ initialState: this.net.GENESIS_SHARE_VERSION >= 36 ? 'confirmed' : 'voting' });
      // What the last process (or leader) saved, read before any work is served.
      const st = this.ratchetState;
      if (st && st.saved !== null && st.saved !== undefined) {
        if (r.restore(st.saved)) this.log.info(`version ratchet resumed: ${r.state}`, { from: st.store.where });
        else this.log.warn('saved version ratchet state unreadable; starting afresh', { from: st.store.where });
      }
      this.ratchetInstance = r;
    }
    return this.ratchetInstance;
  }

  private saveRatchet(): void {
    const st = this.ratchetState;
    if (!st) return;
    st.store
      .save(this.ratchet.snapshot())
      .catch((e: Error) => this.log.warn('could not save the version ratchet', { to: st.store.where, error: e.message }));
  }
  private versionDecision: RatchetDecision | null = null;
  private versionGauge = false;

  /** The last mint-side version decision (V36 networks), for stats. */
  shareVersionDecision(): RatchetDecision | null {
    return this.versionDecision;
  }

  private noteVersionDecision(d: RatchetDecision): void {
    const prev = this.versionDecision;
    this.versionDecision = d;
    if (!prev || prev.state !== d.state) this.saveRatchet();
    // Logged when the version, the state or the kind of reason changes (not every percentage).
    const kind = (r: RatchetDecision) => r.reason.replace(/\d+/g, '#');
    if (!prev || prev.version !== d.version || prev.state !== d.state || kind(prev) !== kind(d)) {
      this.log.info(`minting share version ${d.version} (ratchet ${d.state}): ${d.reason}`, {
        vote_percent: d.votePercent,
        v36_percent: d.sharePercent,
        origins: d.origins,
      });
    }
    if (!this.versionGauge) {
      this.versionGauge = true;
      const meter = metrics.getMeter('p2pool.sharechain');
      meter
        .createObservableGauge('p2pool.sharechain.minted_share_version', {
          description: 'share version this node mints (V36 ratchet decision)',
        })
        .addCallback((o) => {
          if (this.versionDecision) o.observe(this.versionDecision.version, { state: this.versionDecision.state });
        });
      meter
        .createObservableGauge('p2pool.sharechain.v36_vote_percent', {
          description: 'percent of the last CHAIN_LENGTH shares voting for v36',
        })
        .addCallback((o) => {
          if (this.versionDecision) o.observe(this.versionDecision.votePercent);
        });
    }
  }

  private refreshBasis(reason: string): void {
    const t = this.template;
    const punish = this.thought?.punishAggressively ?? false;
    const stale = this.staleInfo();
    const key = `${this.best}/${t?.bits}/${punish}/${stale}/${this.sync.state}`;
    if (key === this.basisKey) return;
    this.basisKey = key;
    this.basis = buildWorkBasis({
      tracker: this.tracker,
      net: this.net,
      best: this.best,
      blockBits: t?.bits ?? null,
      basisId: ++this.basisId,
      syncState: this.sync.state,
      staleInfo: stale,
      punishAggressively: punish,
      gentxSize: this.lastGentx?.size,
      gentxWeight: this.lastGentx?.weight,
      nodeAddress: this.payout.address,
      workerFeePercent: this.payout.workerFeePercent,
      donationPercent: this.payout.donationPercent,
      templateId: t?.templateId ?? 0,
      localHashRate: this.localHashRate,
      nowMs: Math.round(this.clock() * 1000),
      ratchet: this.ratchet,
      maxShareVersion: this.maxShareVersion,
      onVersionDecision: (d) => this.noteVersionDecision(d),
    });
    void reason;
    for (const l of this.basisListeners) {
      try {
        l(this.basis);
      } catch (e) {
        this.log.warn('work basis listener failed', { error: (e as Error).message });
      }
    }
  }

  private setSync(s: Omit<SyncStatus, 'dropped'>): void {
    const prev = this.sync;
    this.sync = { ...s, dropped: prev.dropped };
    if (prev.state !== s.state || prev.detail !== s.detail) {
      if (prev.state !== s.state) this.log.info(`sync state: ${s.state}`, { detail: s.detail, progress: Number(s.progress.toFixed(3)) });
      for (const l of this.syncListeners) l(this.syncStatus());
    }
  }

  /** loading → downloading → synced (docs/protocol.md §8.7 preconditions, plus a complete chain for generate_transaction). */
  private updateSync(): void {
    if (this.sync.state === 'loading' && !this.thought) return;
    const best = this.best;
    const net = this.net;
    if (!this.template) {
      this.setSync({ state: 'downloading', progress: 0, detail: 'waiting for a block template from the full node' });
      return;
    }
    if (best === null) {
      if (this.requirePeersForGenesis) {
        this.setSync({ state: 'downloading', progress: 0, detail: this.peerCount ? 'downloading shares from peers' : 'waiting for peers' });
      } else {
        this.setSync({ state: 'synced', progress: 1, detail: 'no shares yet: mining a new chain' });
      }
      return;
    }
    const [height, last] = this.tracker.getHeightAndLast(best);
    const complete = last === null || height >= net.REAL_CHAIN_LENGTH;
    if (!complete && !this.everSynced) {
      this.setSync({
        state: 'downloading',
        progress: Math.min(1, height / net.REAL_CHAIN_LENGTH),
        detail: `downloading shares from peers: ${height}/${net.REAL_CHAIN_LENGTH}`,
      });
      return;
    }
    if (!complete) {
      // Was synced and lost the window (e.g. pruned below a gap): keep serving is impossible.
      this.setSync({
        state: 'downloading',
        progress: Math.min(1, height / net.REAL_CHAIN_LENGTH),
        detail: `chain incomplete: ${height}/${net.REAL_CHAIN_LENGTH}`,
      });
      return;
    }
    this.everSynced = true;
    this.setSync({ state: 'synced', progress: 1, detail: `synced at height ${height}` });
  }

  /** Packed share and what the tracker knows of it, for GetShare and /web/share. */
  shareInfo(hash: bigint): { share: Share; verified: boolean; inBestChain: boolean; height: number; children: bigint[] } | null {
    const share = this.tracker.get(hash);
    if (!share) return null;
    const node = this.tracker.node(hash)!;
    const best = this.best;
    return {
      share,
      verified: this.tracker.verified.has(hash),
      inBestChain: best !== null && this.tracker.isChildOf(hash, best) === true,
      height: node.height,
      children: node.children.map((c) => c.item.hash),
    };
  }

  /** Shares the version-table says this network can produce (for warnings). */
  knownVersion(v: number): boolean {
    return shareVersion(this.net.LINEAGE, v) !== undefined;
  }

  blockTarget(): bigint | null {
    return this.template ? bitsToTarget(this.template.bits) : null;
  }
}
