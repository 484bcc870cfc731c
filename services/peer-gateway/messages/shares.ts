// `shares`: a list of share wrappers {type: VarInt, contents: VarStr} (docs/protocol.md §3.8 "Receiving shares").
import { Reader, Writer, readWrapper } from '../../core/index.ts';
import type { PeerLike } from './context.ts';
import { loadShares, type Wrapped } from './share-list.ts';

export const command = 'shares';

export interface SharesMessage {
  shares: Wrapped[];
}

/** `packed` are share wrappers as Share.pack() gives them (already {type, contents}). */
export function encode(m: { packed: readonly Buffer[] }): Buffer {
  let size = 9;
  for (const p of m.packed) size += p.length;
  const w = new Writer(size).varint(m.packed.length);
  for (const p of m.packed) w.bytes(p);
  return w.toBuffer();
}

export function decode(payload: Buffer): SharesMessage {
  const r = new Reader(payload);
  const n = r.count('shares', 2);
  const shares: Wrapped[] = [];
  for (let i = 0; i < n; i++) shares.push(readWrapper(r, 'shares'));
  r.done('shares');
  return { shares };
}

export function handle(peer: PeerLike, m: SharesMessage): void {
  const shares = loadShares(peer, m.shares);
  // v13..33: every new transaction must be known here (or just forgotten), else drop the peer.
  const txs = peer.node.txRelayActive() ? peer.tx.collectNewTxs(shares) : [];
  peer.node.receiveShares(peer, shares, txs);
}
