// Connections (docs/protocol.md §3.6), in the spirit of a connection tracker and a reconnector: the
// listening sockets, incoming limits (in total and per address group), outgoing attempts to good
// addresses, the -n peers kept (re)connecting with growing delays, and the registry of peers by
// nonce once their handshake completes.
import { createServer, connect, isIP, type Server, type Socket } from 'node:net';
import type { AddressStore } from './addr-store.ts';
import type { BanList } from './bans.ts';
import * as C from './constants.ts';
import { formatAddr, netGroup, normalizeHost, parseAddr } from './netaddr.ts';
import type { GatewayLog, Peer } from './peer.ts';

export interface ConnectionOptions {
  /** Listen addresses (default '::' dual-stack, falling back to '0.0.0.0'); [] = do not listen. */
  listen?: string[];
  port: number;
  bindAddress?: string;
  outgoing?: number;
  maxIncoming?: number;
  maxIncomingPerGroup?: number;
  ipv6GroupBits?: number;
  connectTimeoutMs: number;
  defaultPort: number;
}

interface Persistent {
  host: string;
  port: number;
  delay: number;
  peer: Peer | null;
  timer: NodeJS.Timeout | null;
}

export class Connections {
  /** Peers past their handshake, by nonce. */
  readonly established = new Map<bigint, Peer>();
  /** Every open connection, handshake done or not. */
  readonly all = new Set<Peer>();
  // Bytes of the connections already closed (the open ones are read off their sockets).
  #closedBytes = { received: 0, sent: 0 };
  readonly #servers: Server[] = [];
  #port = 0;
  /** Outgoing attempts and connections by group (the reference's ClientFactory.attempts). */
  readonly #attempts = new Map<string, number>();
  readonly #incomingByGroup = new Map<string, number>();
  #incomingCount = 0;
  readonly #persistent = new Map<string, Persistent>();
  readonly #opts: ConnectionOptions;
  readonly #newPeer: (sock: Socket, incoming: boolean) => Peer;
  readonly #running: () => boolean;
  readonly #bans: BanList;
  readonly #random: () => number;
  readonly #log: GatewayLog;

  constructor(
    opts: ConnectionOptions,
    deps: { newPeer(sock: Socket, incoming: boolean): Peer; running(): boolean; bans: BanList; random(): number; log: GatewayLog },
  ) {
    this.#opts = opts;
    this.#newPeer = deps.newPeer;
    this.#running = deps.running;
    this.#bans = deps.bans;
    this.#random = deps.random;
    this.#log = deps.log;
  }

  get port(): number {
    return this.#port;
  }

  get listening(): boolean {
    return this.#servers.length > 0;
  }

  async listen(): Promise<void> {
    const hosts = this.#opts.listen ?? ['::'];
    let port = this.#opts.port;
    for (const host of hosts) {
      const server = createServer((sock) => this.#onIncoming(sock));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host, port, ipv6Only: false }, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        if (host === '::' && hosts.length === 1) {
          this.#log.warn('IPv6 unavailable, listening on IPv4 only', { error: (e as Error).message });
          hosts.push('0.0.0.0');
          continue;
        }
        throw e;
      }
      port = (server.address() as { port: number }).port;
      this.#port = port;
      this.#servers.push(server);
    }
  }

  /** Stops reconnecting, closes every connection and the listening sockets. */
  async close(reason: string): Promise<void> {
    for (const p of this.#persistent.values()) if (p.timer) clearTimeout(p.timer);
    this.#persistent.clear();
    for (const peer of [...this.all]) peer.close(reason);
    await Promise.all(this.#servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.#servers.length = 0;
  }

  #onIncoming(sock: Socket): void {
    const host = normalizeHost(sock.remoteAddress ?? '');
    const group = netGroup(host, this.#opts.ipv6GroupBits);
    const max = this.#opts.maxIncoming ?? C.DEFAULT_MAX_INCOMING;
    const perGroup = this.#opts.maxIncomingPerGroup ?? C.MAX_INCOMING_PER_GROUP;
    if (
      !this.#running() ||
      this.#incomingCount >= max ||
      (this.#incomingByGroup.get(group) ?? 0) >= perGroup ||
      this.#bans.isBanned(host, Date.now())
    ) {
      sock.destroy();
      return;
    }
    this.#incomingCount++;
    this.#incomingByGroup.set(group, (this.#incomingByGroup.get(group) ?? 0) + 1);
    this.all.add(this.#newPeer(sock, true));
  }

  /** Open an outgoing connection; `onDone` runs when it fails or, after connecting, closes. */
  #dial(host: string, port: number, onPeer: (p: Peer) => void, onDone: () => void): void {
    const bind = this.#opts.bindAddress;
    const sameFamily = bind !== undefined && isIP(bind) !== 0 && (isIP(bind) === 6) === (isIP(host) === 6);
    const sock = connect(sameFamily ? { host, port, localAddress: bind } : { host, port });
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        onDone();
      }
    };
    const timer = setTimeout(() => {
      sock.destroy();
      finish();
    }, this.#opts.connectTimeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      if (!this.#running()) {
        sock.destroy();
        finish();
        return;
      }
      const peer = this.#newPeer(sock, false);
      this.all.add(peer);
      onPeer(peer);
      if (peer.closed) finish();
      else sock.once('close', finish);
    });
    sock.once('error', () => {
      clearTimeout(timer);
      if (sock.connecting || !sock.remoteAddress) finish();
    });
    sock.once('close', () => {
      clearTimeout(timer);
      if (!sock.remoteAddress) finish();
    });
  }

  #outgoingCount(): number {
    let n = 0;
    for (const p of this.established.values()) if (!p.incoming && !this.#isPersistentPeer(p)) n++;
    return n;
  }

  #isPersistentPeer(p: Peer): boolean {
    for (const e of this.#persistent.values()) if (e.peer === p) return true;
    return false;
  }

  #connectedTo(host: string, port: number): boolean {
    for (const p of this.all) if (p.host === host && (p.port === port || p.incoming)) return p.port === port;
    return false;
  }

  #isOwnAddress(host: string): boolean {
    for (const s of this.#servers) {
      const a = s.address();
      if (a && typeof a === 'object' && normalizeHost(a.address) === host) return true;
    }
    return false;
  }

  /** Every ~1 s: one attempt to a good address while below the desired outgoing count. */
  connectTick(addrs: AddressStore, nowSeconds: number): void {
    const desired = Math.min(this.#opts.outgoing ?? C.DEFAULT_OUTGOING, C.MAX_OUTGOING);
    let inFlight = 0;
    for (const n of this.#attempts.values()) inFlight += n;
    if (this.#outgoingCount() >= desired || inFlight >= C.MAX_CONNECT_ATTEMPTS || addrs.size === 0) return;
    const [cand] = addrs.goodPeers(1, nowSeconds, this.#random);
    if (!cand) return;
    const group = netGroup(cand.host, this.#opts.ipv6GroupBits);
    if (this.#attempts.has(group) || this.#bans.isBanned(cand.host, Date.now()) || this.#connectedTo(cand.host, cand.port)) return;
    if (cand.port === this.#port && this.#isOwnAddress(cand.host)) return;
    this.#attempts.set(group, 1);
    this.#dial(
      cand.host,
      cand.port,
      () => {},
      () => this.#attempts.delete(group),
    );
  }

  /** -n ADDR[:PORT] (also at run time): a connection that is always re-established. */
  addPersistent(address: string): void {
    const { host, port } = parseAddr(address, this.#opts.defaultPort);
    const key = formatAddr(host, port);
    if (this.#persistent.has(key)) return;
    const entry: Persistent = { host, port, delay: 1000, peer: null, timer: null };
    this.#persistent.set(key, entry);
    const attempt = () => {
      entry.timer = null;
      if (!this.#running() || this.#persistent.get(key) !== entry) return;
      this.#dial(
        host,
        port,
        (p) => {
          entry.peer = p;
        },
        () => {
          const wasUp = entry.peer?.established ?? false;
          entry.peer = null;
          if (!this.#running() || this.#persistent.get(key) !== entry) return;
          // Reconnect with growing delays (ReconnectingClientFactory); a good connection resets them.
          entry.delay = wasUp ? 1000 : Math.min(entry.delay * Math.E, 60_000);
          entry.timer = setTimeout(attempt, entry.delay * (0.9 + 0.2 * this.#random()));
          entry.timer.unref();
        },
      );
    };
    attempt();
  }

  /** A handshake completed: the peer joins the registry under its nonce. */
  onEstablished(peer: Peer): void {
    this.established.set(peer.nonce!, peer);
  }

  /** A connection closed; true when it was an established peer (it leaves the registry). */
  onClosed(peer: Peer): boolean {
    if (this.all.delete(peer)) {
      this.#closedBytes.received += peer.socket.bytesRead;
      this.#closedBytes.sent += peer.socket.bytesWritten;
    }
    if (peer.incoming) {
      this.#incomingCount--;
      const group = netGroup(peer.host, this.#opts.ipv6GroupBits);
      const n = (this.#incomingByGroup.get(group) ?? 1) - 1;
      if (n > 0) this.#incomingByGroup.set(group, n);
      else this.#incomingByGroup.delete(group);
    }
    if (peer.established && peer.nonce !== null && this.established.get(peer.nonce) === peer) {
      this.established.delete(peer.nonce);
      return true;
    }
    return false;
  }

  /** P2P bytes received and sent since start, over every connection (handshaking ones included). */
  traffic(): { received: number; sent: number } {
    let { received, sent } = this.#closedBytes;
    for (const p of this.all) {
      received += p.socket.bytesRead;
      sent += p.socket.bytesWritten;
    }
    return { received, sent };
  }

  randomPeer(): Peer | undefined {
    const n = this.established.size;
    if (!n) return undefined;
    let i = Math.floor(this.#random() * n);
    for (const p of this.established.values()) if (i-- === 0) return p;
    return undefined;
  }

  /** An established peer by "host:port". */
  byAddr(addr: string): Peer | undefined {
    for (const p of this.established.values()) if (p.addr === addr) return p;
    return undefined;
  }
}
