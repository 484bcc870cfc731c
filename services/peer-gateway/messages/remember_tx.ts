// `remember_tx(tx_hashes, txs)`: transactions the peer will reference in shares, by hash when we have
// them and in full otherwise (docs/protocol.md §3.9). Full txs are kept as their exact bytes.
import { Reader, Writer, readTx } from '../../core/index.ts';
import type { PeerLike } from './context.ts';

export const command = 'remember_tx';

export interface RememberTxMessage {
  txHashes: bigint[];
  /** Full serializations (witness included), validated as transactions on decode. */
  txs: Buffer[];
}

export function encode(m: RememberTxMessage): Buffer {
  let size = 18 + 32 * m.txHashes.length;
  for (const t of m.txs) size += t.length;
  const w = new Writer(size).u256List(m.txHashes).varint(m.txs.length);
  for (const t of m.txs) w.bytes(t);
  return w.toBuffer();
}

export function decode(payload: Buffer): RememberTxMessage {
  const r = new Reader(payload);
  const txHashes = r.u256List('remember_tx.tx_hashes');
  const n = r.count('remember_tx.txs', 10);
  const txs: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const start = r.pos;
    readTx(r, 'remember_tx.txs');
    txs.push(payload.subarray(start, r.pos));
  }
  r.done('remember_tx');
  return { txHashes, txs };
}

export function handle(peer: PeerLike, m: RememberTxMessage): void {
  peer.tx.rememberTx(m.txHashes, m.txs);
}
