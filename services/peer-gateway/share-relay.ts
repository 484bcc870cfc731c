// Relay (docs/protocol.md §3.8, §3.9): new shares to every peer that lacks them (never echoed to the
// peer they came from), sharereq answers, best-block headers, and while shares carry transactions
// (below v34) the have_tx / losing_tx / remember_tx / forget_tx that keep peers' views current.
import type { BlockHeader, Share } from '../core/index.ts';
import type { ShareSource } from '../pool/share-source.ts';
import * as C from './constants.ts';
import type { SharereqMessage } from './messages/sharereq.ts';
import type { GatewayLog, Peer } from './peer.ts';

export interface RelayStats {
  sharesSent: number;
  requestsServed: number;
}

export class ShareRelay {
  /** Shares already broadcast (`shared_share_hashes`), bounded. */
  readonly #shared = new Set<bigint>();
  readonly #packCache = new WeakMap<Share, Buffer>();
  readonly #peers: () => Iterable<Peer>;
  readonly #source: ShareSource;
  readonly #maxPayload: number;
  readonly #sharedCap: number;
  readonly #stats: RelayStats;
  readonly #log: GatewayLog;

  constructor(o: {
    peers(): Iterable<Peer>;
    source: ShareSource;
    maxPayload: number;
    chainLength: number;
    stats: RelayStats;
    log: GatewayLog;
  }) {
    this.#peers = o.peers;
    this.#source = o.source;
    this.#maxPayload = o.maxPayload;
    this.#sharedCap = 4 * o.chainLength + 100;
    this.#stats = o.stats;
    this.#log = o.log;
  }

  /** A share's wrapper bytes, packed once however many peers get it. */
  packed(share: Share): Buffer {
    let p = this.#packCache.get(share);
    if (!p) this.#packCache.set(share, (p = share.pack()));
    return p;
  }

  /** `broadcast_share(h)`: up to 5 shares back not yet shared, to every peer that lacks them. */
  broadcast(chain: readonly Share[]): number {
    const fresh: Share[] = [];
    for (const s of chain.slice(0, C.BROADCAST_DEPTH)) {
      if (this.#shared.has(s.hash)) break;
      this.#markShared(s.hash);
      fresh.push(s);
    }
    return this.sendToPeers(fresh);
  }

  /** Send shares to every connected peer that lacks them. Returns how many peers got some. */
  sendToPeers(list: readonly Share[], excludePeer?: string): number {
    if (!list.length) return 0;
    let sent = 0;
    for (const peer of this.#peers()) {
      if (peer.addr === excludePeer) continue;
      const forPeer = list.filter((s) => s.peerAddr !== peer.addr && !peer.knownShares.has(s.hash));
      if (!forPeer.length) continue;
      try {
        peer.sendShares(forPeer);
        sent++;
        this.#stats.sharesSent += forPeer.length;
      } catch (e) {
        this.#log.warn('could not send shares', { peer: peer.addr, error: (e as Error).message });
      }
    }
    return sent;
  }

  #markShared(h: bigint): void {
    this.#shared.add(h);
    // Bounded like the tracker it mirrors: the oldest entries go first.
    if (this.#shared.size > this.#sharedCap) this.#shared.delete(this.#shared.values().next().value!);
  }

  /** A peer's sharereq: the chains asked for, or "too long" when they would not fit one message. */
  serve(peer: Peer, m: SharereqMessage): void {
    if (m.hashes.length === 0) {
      // The reference divides by len(hashes): an empty request is an error and drops the connection.
      peer.close('sharereq without hashes');
      return;
    }
    const parents = Math.min(m.parents, Math.floor(C.SHAREREQ_MAX_SHARES / m.hashes.length));
    const answer = (shares: readonly Share[]) => {
      if (peer.closed) return;
      this.#stats.requestsServed++;
      const packed = shares.map((s) => this.packed(s));
      let size = 32 + 1 + 9;
      for (const p of packed) size += p.length;
      if (size > this.#maxPayload) peer.sendShareReply(m.id, 'too long', []);
      else peer.sendShareReply(m.id, 'good', packed);
      for (const s of shares) peer.knownShares.add(s.hash);
    };
    try {
      const r = this.#source.getShares(m.hashes, parents, new Set(m.stops));
      if (r instanceof Promise) r.then(answer, (e) => peer.fault(e, 'sharereq'));
      else answer(r);
    } catch (e) {
      peer.fault(e, 'sharereq');
    }
  }

  /** Relay a best-block header to every peer (the node's best_block_header changed). */
  broadcastBestBlock(header: BlockHeader): void {
    for (const p of this.#peers()) p.sendBestBlock(header);
  }

  /** known_txs changed (v < 34): tell peers (have_tx / losing_tx), keep lost ones briefly. */
  knownTxsChanged(added: ReadonlyMap<bigint, Buffer>, removed: ReadonlyMap<bigint, Buffer>): void {
    for (const p of this.#peers()) {
      if (added.size) p.sendTxHashes('have_tx', [...added.keys()]);
      if (removed.size) {
        p.sendTxHashes('losing_tx', [...removed.keys()]);
        p.tx.cacheForgotten(new Map(removed));
      }
    }
  }

  /** mining_txs changed (v < 34): forget_tx the removed, remember_tx the added. */
  miningTxsChanged(added: ReadonlyMap<bigint, Buffer>, removed: ReadonlyMap<bigint, Buffer>): void {
    for (const p of this.#peers()) {
      if (removed.size) {
        p.sendTxHashes('forget_tx', [...removed.keys()]);
        for (const tx of removed.values()) p.tx.remoteRememberedSize -= 100 + tx.length;
      }
      if (added.size) {
        for (const tx of added.values()) p.tx.remoteRememberedSize += 100 + tx.length;
        const hashes = [...added.keys()];
        p.sendRememberTx(
          hashes.filter((h) => p.tx.remoteTxHashes.has(h)),
          hashes.filter((h) => !p.tx.remoteTxHashes.has(h)).map((h) => added.get(h)!),
        );
      }
    }
  }
}
