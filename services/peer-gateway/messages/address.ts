// `address` = services u64 | IPV6AddressType (16 bytes) | port u16 big-endian (docs/protocol.md §3.2).
import type { Reader, Writer } from '../../core/index.ts';
import { bytesToHost, hostToBytes } from '../netaddr.ts';

export interface NetAddress {
  services: bigint;
  /** Dotted IPv4 (wire: IPv4-mapped) or IPv6 text. */
  host: string;
  port: number;
}

export function writeAddress(w: Writer, a: NetAddress): Writer {
  return w.u64(a.services).bytes(hostToBytes(a.host)).u16be(a.port);
}

export function readAddress(r: Reader, field: string): NetAddress {
  return { services: r.u64(`${field}.services`), host: bytesToHost(r.bytes(16, `${field}.address`)), port: r.u16be(`${field}.port`) };
}
