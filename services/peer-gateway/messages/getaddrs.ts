// `getaddrs(count)`: answered with up to min(count, 100) good addresses from the store.
import { Reader, Writer } from '../../core/index.ts';
import { GETADDRS_MAX } from '../constants.ts';
import type { PeerLike } from './context.ts';

export const command = 'getaddrs';

export interface GetaddrsMessage {
  count: number;
}

export function encode(m: GetaddrsMessage): Buffer {
  return new Writer(4).u32(m.count).toBuffer();
}

export function decode(payload: Buffer): GetaddrsMessage {
  const r = new Reader(payload);
  const m = { count: r.u32('getaddrs.count') };
  r.done('getaddrs');
  return m;
}

export function handle(peer: PeerLike, m: GetaddrsMessage): void {
  const store = peer.node.addrs;
  const good = store.goodPeers(Math.min(m.count, GETADDRS_MAX), peer.node.nowSeconds(), peer.node.random);
  peer.sendAddrs(good.map((e) => ({ timestamp: BigInt(e.lastSeen), address: { services: e.services, host: e.host, port: e.port } })));
}
