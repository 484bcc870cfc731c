// `forget_tx(tx_hashes)`: the peer releases transactions it asked us to remember (docs/protocol.md §3.9, share versions < 34 only).
import type { PeerLike } from './context.ts';
import { decodeTxHashes, encodeTxHashes, type TxHashesMessage } from './tx-hash-list.ts';

export const command = 'forget_tx';
export type { TxHashesMessage };
export const encode = encodeTxHashes;

export function decode(payload: Buffer): TxHashesMessage {
  return decodeTxHashes(command, payload);
}

export function handle(peer: PeerLike, m: TxHashesMessage): void {
  peer.tx.forgetTx(m.txHashes);
}
