// `sharereq(id, hashes, parents, stops)`: ask for shares and up to `parents` ancestors of each.
import { Reader, Writer } from '../../core/index.ts';
import type { PeerLike } from './context.ts';

export const command = 'sharereq';

export interface SharereqMessage {
  id: bigint;
  hashes: bigint[];
  parents: number;
  stops: bigint[];
}

export function encode(m: SharereqMessage): Buffer {
  return new Writer(32 + 2 + 32 * (m.hashes.length + m.stops.length) + 10)
    .u256(m.id)
    .u256List(m.hashes)
    .varint(m.parents)
    .u256List(m.stops)
    .toBuffer();
}

export function decode(payload: Buffer): SharereqMessage {
  const r = new Reader(payload);
  const id = r.u256('sharereq.id');
  const hashes = r.u256List('sharereq.hashes');
  const parents = r.varint('sharereq.parents');
  const stops = r.u256List('sharereq.stops');
  r.done('sharereq');
  return { id, hashes, parents, stops };
}

export function handle(peer: PeerLike, m: SharereqMessage): void {
  peer.node.serveShareRequest(peer, m);
}
