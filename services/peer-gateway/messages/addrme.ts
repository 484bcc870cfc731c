// `addrme(port)`: "advertise me at my IP and this port" (docs/protocol.md §3.5). The port is little-endian here,
// unlike inside an `address`.
import { Reader, Writer } from '../../core/index.ts';
import type { PeerLike } from './context.ts';

export const command = 'addrme';

export interface AddrmeMessage {
  port: number;
}

export function encode(m: AddrmeMessage): Buffer {
  return new Writer(2).u16(m.port).toBuffer();
}

export function decode(payload: Buffer): AddrmeMessage {
  const r = new Reader(payload);
  const m = { port: r.u16('addrme.port') };
  r.done('addrme');
  return m;
}

export function handle(peer: PeerLike, m: AddrmeMessage): void {
  const node = peer.node;
  // A loopback peer cannot be advertised by its address: pass the request on instead (reference).
  if (peer.host === '127.0.0.1') {
    if (node.random() < 0.8) node.randomPeer()?.sendAddrme(m.port);
    return;
  }
  const now = node.nowSeconds();
  node.addrs.seen(peer.host, m.port, peer.services, now);
  if (node.random() < 0.8) {
    node.randomPeer()?.sendAddrs([{ timestamp: BigInt(now), address: { services: peer.services, host: peer.host, port: m.port } }]);
  }
}
