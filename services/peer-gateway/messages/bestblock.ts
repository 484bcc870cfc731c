// `bestblock(header)`: a peer's newest block header, for the empty-block shortcut (docs/protocol.md §3.8).
import { Reader, readHeader, encodeHeader, bitsToTarget, powHash, type BlockHeader } from '../../core/index.ts';
import { PeerMisbehavingError } from '../errors.ts';
import type { PeerLike } from './context.ts';

export const command = 'bestblock';

export interface BestblockMessage {
  header: BlockHeader;
}

export function encode(m: BestblockMessage): Buffer {
  return encodeHeader(m.header);
}

export function decode(payload: Buffer): BestblockMessage {
  const r = new Reader(payload);
  const header = readHeader(r, 'bestblock.header');
  r.done('bestblock');
  return { header };
}

export function handle(peer: PeerLike, m: BestblockMessage): void {
  if (powHash(peer.node.net, encodeHeader(m.header)) > bitsToTarget(m.header.bits)) {
    throw new PeerMisbehavingError('received block header fails PoW test');
  }
  peer.node.gotBestBlock(peer, m.header);
}
