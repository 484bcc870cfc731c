// `addrs`: learned peer addresses with a timestamp each (docs/protocol.md §3.5).
import { Reader, Writer } from '../../core/index.ts';
import { readAddress, writeAddress, type NetAddress } from './address.ts';
import type { PeerLike } from './context.ts';

export const command = 'addrs';

export interface AddrRecord {
  timestamp: bigint;
  address: NetAddress;
}

export interface AddrsMessage {
  addrs: AddrRecord[];
}

const RECORD_SIZE = 8 + 26;

export function encode(m: AddrsMessage): Buffer {
  const w = new Writer(1 + m.addrs.length * RECORD_SIZE).varint(m.addrs.length);
  for (const a of m.addrs) writeAddress(w.u64(a.timestamp), a.address);
  return w.toBuffer();
}

export function decode(payload: Buffer): AddrsMessage {
  const r = new Reader(payload);
  const n = r.count('addrs', RECORD_SIZE);
  const addrs: AddrRecord[] = [];
  for (let i = 0; i < n; i++) addrs.push({ timestamp: r.u64('addrs.timestamp'), address: readAddress(r, 'addrs.address') });
  r.done('addrs');
  return { addrs };
}

/** Store each record (timestamp capped at now); forward each one alone to a random peer with p = 0.8. */
export function handle(peer: PeerLike, m: AddrsMessage): void {
  const node = peer.node;
  const now = node.nowSeconds();
  for (const rec of m.addrs) {
    const ts = rec.timestamp < BigInt(now) ? Number(rec.timestamp) : now;
    node.addrs.seen(rec.address.host, rec.address.port, rec.address.services, ts);
    if (node.random() < 0.8) node.randomPeer()?.sendAddrs([rec]);
  }
}
