// Per-connection transaction relay for share versions < 34 (docs/protocol.md §3.9): what the peer knows
// (have_tx/losing_tx), what it asked us to remember (remember_tx/forget_tx, with the size budget),
// and what we asked it to remember. Transactions are kept as their full serialization.
import { hash256, type Share } from '../core/index.ts';
import { FORGOTTEN_TX_CACHE_MS, REMOTE_TX_HASHES_MAX, TX_FREE_SHARE_VERSION, TX_SHARE_MIN_VERSION } from './constants.ts';
import { PeerDisconnect, PeerMisbehavingError } from './errors.ts';

export interface TxNode {
  knownTx(hash: bigint): Buffer | undefined;
  addKnownTxs(txs: Map<bigint, Buffer>): void;
}

/** Accounting size of a remembered transaction (the reference's 100 + packed size). */
export const txCost = (tx: Buffer): number => 100 + tx.length;

export class TxRelay {
  /** The peer's known_txs as it told us (trimmed to 10,000 by arbitrary removal). */
  readonly remoteTxHashes = new Set<bigint>();
  /** Transactions the peer asked us to remember. */
  readonly remembered = new Map<bigint, Buffer>();
  rememberedSize = 0;
  /** Our mirror of what we asked the peer to remember. */
  remoteRememberedSize = 0;
  private readonly node: TxNode;
  private readonly maxRemembered: number;
  /** Known txs we just told the peer we lost, still resolvable for 20 s. */
  private readonly forgotten = new Map<number, Map<bigint, Buffer>>();
  private forgottenKey = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(node: TxNode, maxRemembered: number) {
    this.node = node;
    this.maxRemembered = maxRemembered;
  }

  get budget(): number {
    return this.maxRemembered;
  }

  lookup(hash: bigint): Buffer | undefined {
    const tx = this.node.knownTx(hash);
    if (tx) return tx;
    for (const cache of this.forgotten.values()) {
      const t = cache.get(hash);
      if (t) return t;
    }
    return undefined;
  }

  haveTx(hashes: readonly bigint[]): void {
    for (const h of hashes) this.remoteTxHashes.add(h);
    if (this.remoteTxHashes.size > REMOTE_TX_HASHES_MAX) {
      for (const h of this.remoteTxHashes) {
        this.remoteTxHashes.delete(h);
        if (this.remoteTxHashes.size <= REMOTE_TX_HASHES_MAX) break;
      }
    }
  }

  losingTx(hashes: readonly bigint[]): void {
    for (const h of hashes) this.remoteTxHashes.delete(h);
  }

  rememberTx(hashes: readonly bigint[], txs: readonly Buffer[]): void {
    for (const h of hashes) {
      if (this.remembered.has(h)) throw new PeerDisconnect('peer referenced transaction twice');
      const tx = this.lookup(h);
      if (!tx) throw new PeerDisconnect(`peer referenced unknown transaction ${h.toString(16).padStart(64, '0')}`);
      this.remembered.set(h, tx);
      this.rememberedSize += txCost(tx);
    }
    const added = new Map<bigint, Buffer>();
    for (const tx of txs) {
      const h = hash256(tx);
      if (this.remembered.has(h)) throw new PeerDisconnect('peer referenced transaction twice');
      this.remembered.set(h, tx);
      this.rememberedSize += txCost(tx);
      added.set(h, tx);
    }
    if (added.size) this.node.addKnownTxs(added);
    if (this.rememberedSize >= this.maxRemembered) throw new PeerMisbehavingError('too much transaction data stored');
  }

  forgetTx(hashes: readonly bigint[]): void {
    for (const h of hashes) {
      const tx = this.remembered.get(h);
      if (!tx) throw new PeerDisconnect(`forget_tx of a transaction never remembered`);
      this.rememberedSize -= txCost(tx);
      this.remembered.delete(h);
    }
  }

  /** Our known_txs lost these: keep them resolvable for a while (latency of `losing_tx`). */
  cacheForgotten(txs: Map<bigint, Buffer>): void {
    const key = this.forgottenKey++;
    this.forgotten.set(key, txs);
    const t = setTimeout(() => {
      this.forgotten.delete(key);
      this.timers.delete(t);
    }, FORGOTTEN_TX_CACHE_MS);
    t.unref();
    this.timers.add(t);
  }

  /** The full txs for the new_transaction_hashes of v13..33 shares; an unknown one drops the peer. */
  collectNewTxs(shares: readonly Share[]): Buffer[] {
    const out: Buffer[] = [];
    for (const s of shares) {
      if (s.type < TX_SHARE_MIN_VERSION || s.type >= TX_FREE_SHARE_VERSION) continue;
      for (const h of s.newTransactionHashes) {
        const tx = this.lookup(h);
        if (!tx) throw new PeerDisconnect(`peer referenced unknown transaction ${h.toString(16).padStart(64, '0')}`);
        out.push(tx);
      }
    }
    return out;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.forgotten.clear();
  }
}
