// `forget_tx(tx_hashes)`: the peer releases transactions it asked us to remember (spec §3.9, share versions < 34 only).
import { Reader, Writer } from '../../core/index.ts';
import type { PeerLike } from './context.ts';

export const command = 'forget_tx';

export interface TxHashesMessage {
  txHashes: bigint[];
}

export function encode(m: TxHashesMessage): Buffer {
  return new Writer(1 + 32 * m.txHashes.length).u256List(m.txHashes).toBuffer();
}

export function decode(payload: Buffer): TxHashesMessage {
  const r = new Reader(payload);
  const txHashes = r.u256List('forget_tx.tx_hashes');
  r.done('forget_tx');
  return { txHashes };
}

export function handle(peer: PeerLike, m: TxHashesMessage): void {
  peer.tx.forgetTx(m.txHashes);
}
