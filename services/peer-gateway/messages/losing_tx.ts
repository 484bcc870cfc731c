// `losing_tx(tx_hashes)`: the peer no longer knows these transactions (spec §3.9, share versions < 34 only).
import { Reader, Writer } from '../../core/index.ts';
import type { PeerLike } from './context.ts';

export const command = 'losing_tx';

export interface TxHashesMessage {
  txHashes: bigint[];
}

export function encode(m: TxHashesMessage): Buffer {
  return new Writer(1 + 32 * m.txHashes.length).u256List(m.txHashes).toBuffer();
}

export function decode(payload: Buffer): TxHashesMessage {
  const r = new Reader(payload);
  const txHashes = r.u256List('losing_tx.tx_hashes');
  r.done('losing_tx');
  return { txHashes };
}

export function handle(peer: PeerLike, m: TxHashesMessage): void {
  peer.tx.losingTx(m.txHashes);
}
