// A minimal sharechain around the consensus core, enough to run real gateways against each other in
// tests and benches: ShareTracker + think() + relay of the best share. The real sharechain service
// (issue 6) replaces it; it shows how one plugs into PeerGateway through ShareSource.
import { ShareTracker, think, type Network, type Share, type ThinkResult } from '../../core/index.ts';
import { buildChain } from '../../core/testing/chain-builder.ts';
import type { PeerGateway } from '../gateway.ts';
import type { AddSharesResult, ShareSource } from '../../pool/share-source.ts';
import { referenceStops, serveChain } from '../../pool/share-exchange.ts';

export interface MiniSharechainOptions {
  /** Seconds since the epoch as the chain sees it (tests pin it near the mined timestamps). */
  now?: () => number;
  /** Start time handed to the chain builder when mining. */
  startTime?: number;
  salt?: number;
}

export class MiniSharechain implements ShareSource {
  readonly net: Network;
  readonly tracker = new ShareTracker();
  best: bigint | null = null;
  lastThink: ThinkResult | null = null;
  /** Shares that failed verification, with the reason (for tests). */
  readonly invalid: { hash: bigint; peer: string | null; reason: string }[] = [];
  private gateway: PeerGateway | null = null;
  private readonly clock: () => number;
  private readonly startTime: number;
  private salt: number;

  constructor(net: Network, opts: MiniSharechainOptions = {}) {
    this.net = net;
    this.clock = opts.now ?? (() => Date.now() / 1000);
    this.startTime = opts.startTime ?? 1700000000;
    this.salt = opts.salt ?? 0;
  }

  attach(gateway: PeerGateway): void {
    this.gateway = gateway;
  }

  bestShareHash(): bigint | null {
    return this.best;
  }

  has(hash: bigint): boolean {
    return this.tracker.has(hash);
  }

  getShares(hashes: readonly bigint[], parents: number, stops: ReadonlySet<bigint>): Share[] {
    return serveChain(this.tracker, hashes, parents, stops);
  }

  downloadStops(): bigint[] {
    return referenceStops(this.tracker);
  }

  bestShareVersion(): number | null {
    return this.best === null ? null : this.tracker.get(this.best)!.type;
  }

  addShares(shares: readonly Share[]): AddSharesResult {
    const fresh = shares.filter((s) => !this.tracker.has(s.hash));
    this.tracker.addMany(fresh);
    if (fresh.length) this.rethink();
    return { newHashes: fresh.map((s) => s.hash) };
  }

  /** Shares loaded from disk: trusted as verified, as the reference trusts its verified-hash lines. */
  load(shares: readonly Share[]): void {
    this.tracker.addMany(shares);
    this.tracker.verified.addMany(shares);
    this.rethink();
  }

  /** Mine `count` shares on the best share (as a local miner would), then think and relay. */
  mine(count: number): Share[] {
    const { shares } = buildChain(this.net, {
      count,
      tracker: this.tracker,
      parent: this.best,
      salt: this.salt++ * 1000 + 1,
      startTime: this.startTime,
    });
    this.rethink();
    return shares;
  }

  /** `set_best_share`: think(), relay a new best, hand `desired` to the downloader, ban bad peers. */
  rethink(): void {
    const gw = this.gateway;
    const r = think(this.tracker, {
      net: this.net,
      previousBlock: 0n,
      bits: 0,
      blockRelHeight: () => 0,
      now: Math.floor(this.clock()),
      onVerified: (s, res) => gw?.noteVerified(s, res.versionCounts),
      onInvalid: (s, e) => this.invalid.push({ hash: s.hash, peer: s.peerAddr, reason: e.message }),
    });
    this.lastThink = r;
    for (const peer of r.badPeers) gw?.punishPeer(peer, 'sent a share that failed verification');
    const changed = r.best !== this.best;
    this.best = r.best;
    if (gw) {
      if (changed && r.best !== null)
        gw.broadcastShare(r.best, [...this.tracker.getChain(r.best, Math.min(5, this.tracker.getHeight(r.best)))]);
      gw.setDesired(r.desired.map((d) => ({ hash: d.hash, peerAddr: d.peerAddr })));
    }
  }
}
