// `have_tx(tx_hashes)`: the peer now knows these transactions (spec §3.9, share versions < 34 only).
import { Reader, Writer } from '../../core/index.ts';
import type { PeerLike } from './context.ts';

export const command = 'have_tx';

export interface TxHashesMessage {
  txHashes: bigint[];
}

export function encode(m: TxHashesMessage): Buffer {
  return new Writer(1 + 32 * m.txHashes.length).u256List(m.txHashes).toBuffer();
}

export function decode(payload: Buffer): TxHashesMessage {
  const r = new Reader(payload);
  const txHashes = r.u256List('have_tx.tx_hashes');
  r.done('have_tx');
  return { txHashes };
}

export function handle(peer: PeerLike, m: TxHashesMessage): void {
  peer.tx.haveTx(m.txHashes);
}
