// `losing_tx(tx_hashes)`: the peer no longer knows these transactions (docs/protocol.md §3.9, share versions < 34 only).
import type { PeerLike } from './context.ts';
import { decodeTxHashes, encodeTxHashes, type TxHashesMessage } from './tx-hash-list.ts';

export const command = 'losing_tx';
export type { TxHashesMessage };
export const encode = encodeTxHashes;

export function decode(payload: Buffer): TxHashesMessage {
  return decodeTxHashes(command, payload);
}

export function handle(peer: PeerLike, m: TxHashesMessage): void {
  peer.tx.losingTx(m.txHashes);
}
