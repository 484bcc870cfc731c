// Host addresses as the protocol carries them (16 bytes, IPv4 mapped into ::ffff:0:0/96) and as we key
// them: IPv4 in dotted form (also when a dual-stack socket reports ::ffff:a.b.c.d), IPv6 canonical.
import { isIP } from 'node:net';

const V4_MAPPED = Buffer.from('00000000000000000000ffff', 'hex');

/** Canonical text form: dotted IPv4, or compressed lower-case IPv6 without brackets or zone. */
export function normalizeHost(host: string): string {
  let h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const zone = h.indexOf('%');
  if (zone >= 0) h = h.slice(0, zone);
  const kind = isIP(h);
  if (kind === 4) return h;
  if (kind === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(h);
    if (mapped) return mapped[1]!;
    return bytesToHost(hostToBytes(h));
  }
  return h;
}

export function isIPv6(host: string): boolean {
  return isIP(host) === 6;
}

/** 16 wire bytes of an IP address (IPV6AddressType). */
export function hostToBytes(host: string): Buffer {
  const out = Buffer.alloc(16);
  const h = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(h) === 4) {
    V4_MAPPED.copy(out, 0);
    h.split('.').forEach((p, i) => {
      out[12 + i] = Number(p);
    });
    return out;
  }
  if (isIP(h) !== 6) throw new Error(`not an IP address: ${host}`);
  let text = h;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const [left, right] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const l = left ? left.split(':') : [];
  const r = right === undefined ? [] : right ? right.split(':') : [];
  const groups = right === undefined ? l : [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  groups.forEach((g, i) => {
    out.writeUInt16BE(parseInt(g, 16), i * 2);
  });
  return out;
}

/** The text form of 16 wire bytes: dotted IPv4 when mapped, else canonical IPv6. */
export function bytesToHost(b: Uint8Array): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, 16);
  if (buf.subarray(0, 12).equals(V4_MAPPED)) return `${buf[12]}.${buf[13]}.${buf[14]}.${buf[15]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(i).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** "host:port", IPv6 hosts in brackets (the peer key used in share.peerAddr and the contract). */
export function formatAddr(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parse `ADDR[:PORT]` / `[V6]:PORT` / bare IPv6, defaulting the port. Hostnames are kept as given. */
export function parseAddr(text: string, defaultPort: number): { host: string; port: number } {
  const t = text.trim();
  let host: string;
  let port = defaultPort;
  if (t.startsWith('[')) {
    const end = t.indexOf(']');
    if (end < 0) throw new Error(`bad address ${JSON.stringify(text)}`);
    host = t.slice(1, end);
    const rest = t.slice(end + 1);
    if (rest) {
      if (!rest.startsWith(':')) throw new Error(`bad address ${JSON.stringify(text)}`);
      port = Number(rest.slice(1));
    }
  } else if (isIP(t) === 6) {
    host = t;
  } else {
    const i = t.lastIndexOf(':');
    if (i >= 0) {
      host = t.slice(0, i);
      port = Number(t.slice(i + 1));
    } else host = t;
  }
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad address ${JSON.stringify(text)}`);
  return { host: normalizeHost(host), port };
}

/**
 * The group that connection limits count per: IPv4 /16 (the reference's `a.b`), IPv6 /48 by default
 * (one site; a /64 is one LAN). The reference splits on '.' and breaks on IPv6.
 */
export function netGroup(host: string, ipv6PrefixBits = 48): string {
  if (isIP(host) === 4) {
    const [a, b] = host.split('.');
    return `${a}.${b}`;
  }
  if (isIP(host) === 6) {
    const b = hostToBytes(host);
    const bytes = Math.ceil(ipv6PrefixBits / 8);
    const g = Buffer.from(b.subarray(0, bytes));
    const spare = bytes * 8 - ipv6PrefixBits;
    if (spare) g[bytes - 1] = g[bytes - 1]! & (0xff << spare);
    return `${g.toString('hex')}/${ipv6PrefixBits}`;
  }
  return host;
}

export function isLoopback(host: string): boolean {
  return host === '::1' || host.startsWith('127.');
}
