// The address store (docs/protocol.md §3.5): (host, port) → services, first seen, last seen; at most 10,000
// entries, new ones dropped when full; `goodPeers` ranks as the reference's get_good_peers.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { ADDR_STORE_MAX } from './constants.ts';
import { formatAddr, normalizeHost } from './netaddr.ts';

export interface AddrEntry {
  host: string;
  port: number;
  services: bigint;
  firstSeen: number;
  lastSeen: number;
}

export class AddressStore {
  private readonly entries = new Map<string, AddrEntry>();
  private readonly max: number;

  constructor(max = ADDR_STORE_MAX) {
    this.max = max;
  }

  get size(): number {
    return this.entries.size;
  }

  get(host: string, port: number): AddrEntry | undefined {
    return this.entries.get(formatAddr(normalizeHost(host), port));
  }

  all(): AddrEntry[] {
    return [...this.entries.values()];
  }

  /** `got_addr`: services replaced, first_seen kept, last_seen = max(old, new). */
  seen(host: string, port: number, services: bigint, timestamp: number): void {
    const h = normalizeHost(host);
    if (!h || port <= 0 || port > 65535) return;
    const key = formatAddr(h, port);
    const old = this.entries.get(key);
    if (old) {
      old.services = services;
      old.lastSeen = Math.max(old.lastSeen, timestamp);
      return;
    }
    if (this.entries.size >= this.max) return;
    this.entries.set(key, { host: h, port, services, firstSeen: timestamp, lastSeen: timestamp });
  }

  remove(host: string, port: number): void {
    this.entries.delete(formatAddr(normalizeHost(host), port));
  }

  /**
   * `get_good_peers(n)`: ascending by -log(max(3600, last-first)) / log(max(3600, now-last)) · Exp(1):
   * long-lived and recently seen addresses first, with randomness so everyone is tried eventually.
   */
  goodPeers(n: number, now: number, random: () => number = Math.random): AddrEntry[] {
    if (n <= 0) return [];
    const scored: [number, AddrEntry][] = [];
    for (const e of this.entries.values()) {
      const k =
        (-Math.log(Math.max(3600, e.lastSeen - e.firstSeen)) / Math.log(Math.max(3600, now - e.lastSeen))) * -Math.log(1 - random());
      scored.push([k, e]);
    }
    scored.sort((a, b) => a[0] - b[0]);
    return scored.slice(0, n).map((s) => s[1]);
  }

  /** The reference's JSON file: [[[host, port], [services, first_seen, last_seen]], …]. */
  load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const data = JSON.parse(text) as [[string, number], [number, number, number]][];
    for (const [[host, port], [services, first, last]] of data) {
      this.seen(host, port, BigInt(services), first);
      const e = this.get(host, port);
      if (e) {
        e.firstSeen = Math.min(e.firstSeen, first);
        e.lastSeen = Math.max(e.lastSeen, last);
      }
    }
  }

  save(file: string): void {
    const data = this.all().map((e) => [
      [e.host, e.port],
      [Number(e.services), e.firstSeen, e.lastSeen],
    ]);
    writeFileSync(file + '.tmp', JSON.stringify(data));
    renameSync(file + '.tmp', file);
  }
}
