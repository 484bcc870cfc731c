// The gateway's ShareSource when the sharechain is another process: every method is a call of the
// Sharechain contract (AddPeerShares, GetShares, GetMissingParents), and the best share comes from the
// work basis the sharechain publishes. In one process the Sharechain object is the source itself.
import { encodeWrapper, parseWrappedShare, u256FromLE, u256ToLE, type Network, type Share } from '../core/index.ts';
import { ShareOutcome, type SharechainClientImpl, type WorkBasis } from '../gen/p2pool/v1/sharechain.ts';
import type { DesiredEntry } from './gateway.ts';
import type { AddSharesResult, ShareSource } from '../pool/share-source.ts';

export interface BusSourceHooks {
  // AddPeerShares said the peer misbehaved (docs/protocol.md §3.7): the gateway bans it.
  punish(peer: string, reason: string): void;
  // The sharechain's missing parents, for the gateway's downloader.
  desired(list: DesiredEntry[]): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

const packedOf = (s: Share) => ({ type: BigInt(s.type), contents: s.packedContents });

export class BusShareSource implements ShareSource {
  readonly #sc: SharechainClientImpl;
  readonly #net: Network;
  readonly #hooks: BusSourceHooks;
  #best: bigint | null = null;
  #bestVersion: number | null = null;

  constructor(sc: SharechainClientImpl, net: Network, hooks: BusSourceHooks) {
    this.#sc = sc;
    this.#net = net;
    this.#hooks = hooks;
  }

  // From WorkBasisPublished / GetWorkBasis: the basis's parent is the sharechain's best share.
  noteBasis(b: WorkBasis): void {
    this.#best = b.previousShareHash.length ? u256FromLE(b.previousShareHash) : null;
    this.#bestVersion = b.chain[0] ? Number(b.chain[0].type) : null;
  }

  bestShareHash(): bigint | null {
    return this.#best;
  }

  bestShareVersion(): number | null {
    return this.#bestVersion;
  }

  // On a failed call the share counts as missing: fetching it again is harmless, skipping it is not
  // (an announced best share would never be asked for).
  async has(hash: bigint): Promise<boolean> {
    try {
      const r = await this.#sc.GetShares({ hashes: [u256ToLE(hash)], parents: 0, stops: [] });
      return r.shares.length > 0;
    } catch (e) {
      this.#hooks.debug('GetShares failed', { error: (e as Error).message });
      return false;
    }
  }

  async getShares(hashes: readonly bigint[], parents: number, stops: ReadonlySet<bigint>): Promise<Share[]> {
    const r = await this.#sc.GetShares({ hashes: hashes.map(u256ToLE), parents, stops: [...stops].map(u256ToLE) });
    return r.shares.map((p) => parseWrappedShare(this.#net, encodeWrapper(Number(p.type), p.contents)));
  }

  async addShares(shares: readonly Share[], from: { peer: string; txs: readonly Buffer[] }): Promise<AddSharesResult> {
    const r = await this.#sc.AddPeerShares({
      shares: shares.map(packedOf),
      peer: from.peer,
      transactions: [...from.txs],
      receivedAtMs: BigInt(Date.now()),
    });
    if (r.misbehaving) this.#hooks.punish(from.peer, r.misbehavingReason);
    void this.refreshDesired();
    return { newHashes: r.results.filter((x) => x.outcome === ShareOutcome.ACCEPTED && x.hash.length).map((x) => u256FromLE(x.hash)) };
  }

  async downloadStops(): Promise<bigint[]> {
    const r = await this.#sc.GetMissingParents({ max: 1 });
    return r.stops.map(u256FromLE);
  }

  // The sharechain does not push its `desired` set across processes: asked after each batch of peer
  // shares and periodically (server.ts).
  async refreshDesired(): Promise<void> {
    try {
      const r = await this.#sc.GetMissingParents({ max: 1000 });
      this.#hooks.desired(r.parents.map((p) => ({ hash: u256FromLE(p.hash), peerAddr: p.peer || null })));
    } catch (e) {
      this.#hooks.debug('GetMissingParents failed', { error: (e as Error).message });
    }
  }
}
