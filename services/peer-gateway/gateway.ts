// PeerGateway: a P2Pool P2P node (docs/protocol.md §3) around a ShareSource. It listens (IPv4 and IPv6), keeps
// outgoing connections to good addresses and to -n peers, gossips addresses, relays shares, serves
// and sends sharereqs, downloads missing parents, relays transactions while shares carry them, and
// bans misbehaving peers. Events: 'shares', 'bestblock', 'peer-connected', 'peer-disconnected', 'ban'.
import { EventEmitter } from 'node:events';
import { createServer, connect, isIP, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { BlockHeader, Network, Share } from '../core/index.ts';
import { AddressStore } from './addr-store.ts';
import { BanList, type BanRecord } from './bans.ts';
import * as C from './constants.ts';
import { Peer, PeerClosed, type GatewayLog, type PeerConfig, type PeerHost } from './peer.ts';
import type { PeerLike } from './messages/context.ts';
import type { SharereqMessage } from './messages/sharereq.ts';
import { encode as encodeShareReply } from './messages/sharereply.ts';
import { ShareRequestTimeout } from './share-requests.ts';
import type { ShareSource } from '../pool/share-source.ts';
import { formatAddr, netGroup, normalizeHost, parseAddr } from './netaddr.ts';
import { raisedMinimumProtocolVersion } from './protocol-version.ts';

export interface PeerGatewayOptions {
  net: Network;
  source: ShareSource;
  /** P2P listen port (default net.P2P_PORT; 0 = any free port). */
  port?: number;
  /** Listen addresses (default '::' dual-stack, falling back to '0.0.0.0'); [] = do not listen. */
  listen?: string[];
  /** Source address for outgoing connections of the same family (multi-homed hosts, loopback tests). */
  bindAddress?: string;
  /** -n ADDR[:PORT]: peers we always keep (re)connecting to. */
  connect?: string[];
  /** Seed the address store with net.BOOTSTRAP_ADDRS (default true). */
  bootstrap?: boolean;
  /** --outgoing-conns (default 6, at most 10). */
  outgoing?: number;
  /** --max-conns incoming (default 40). */
  maxIncoming?: number;
  /** Incoming connections per IPv4 /16 or IPv6 group (default 3). */
  maxIncomingPerGroup?: number;
  /** IPv6 prefix length that counts as one group (default 48). */
  ipv6GroupBits?: number;
  advertise?: boolean;
  externalIp?: string;
  subVersion?: string;
  /** Load/save the address store here (the reference's data/<net>/addrs). */
  addrsFile?: string;
  /** Hosts never banned (default 127.0.0.1 and ::1, as the reference spares localhost). */
  neverBan?: string[];
  timings?: Partial<PeerConfig & { connectIntervalMs: number; getaddrsIntervalMs: number; connectTimeoutMs: number; downloadIdleMs: number }>;
  random?: () => number;
  /** Seconds since the epoch (the sharechain's clock). */
  now?: () => number;
  nonce?: bigint;
  log?: GatewayLog;
}

export interface PeerInfo {
  address: string;
  incoming: boolean;
  protocolVersion: number;
  subVersion: string;
  connectedSinceMs: number;
  bestShareHash: bigint | null;
  rememberedTxsSize: number;
}

export interface GatewayStats {
  incoming: number;
  outgoing: number;
  knownAddresses: number;
  bans: number;
  framesDropped: { oversize: number; badChecksum: number; unknownCommand: number; decode: number };
  sharesReceived: number;
  sharesSent: number;
  requestsServed: number;
}

export interface SharesEvent {
  peer: string;
  shares: Share[];
  newHashes: bigint[];
  /** performance.now() when the bytes carrying them arrived. */
  receivedAt: number;
}

export interface DesiredEntry {
  hash: bigint;
  peerAddr: string | null;
}

const NULL_LOG: GatewayLog = { debug() {}, info() {}, warn() {}, error() {} };

export class PeerGateway extends EventEmitter implements PeerHost {
  readonly net: Network;
  readonly nonce: bigint;
  readonly config: PeerConfig;
  readonly log: GatewayLog;
  readonly addrs = new AddressStore();
  readonly bans: BanList;
  readonly random: () => number;
  minProtocolVersion: number;
  private readonly source: ShareSource;
  private readonly opts: PeerGatewayOptions;
  private readonly clock: () => number;
  private readonly servers: Server[] = [];
  private port = 0;
  private readonly peersByNonce = new Map<bigint, Peer>();
  private readonly allPeers = new Set<Peer>();
  /** Outgoing attempts and connections by group (the reference's ClientFactory.attempts). */
  private readonly attempts = new Map<string, number>();
  private readonly incomingByGroup = new Map<string, number>();
  private incomingCount = 0;
  private readonly persistent = new Map<string, { host: string; port: number; delay: number; peer: Peer | null; timer: NodeJS.Timeout | null }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  private best: bigint | null = null;
  /** Shares already broadcast (`shared_share_hashes`), bounded. */
  private readonly shared = new Set<bigint>();
  private readonly packCache = new WeakMap<Share, Buffer>();
  private desired: DesiredEntry[] = [];
  private wakeDownloader: (() => void) | null = null;
  private readonly stats = { oversize: 0, badChecksum: 0, unknownCommand: 0, decode: 0, sharesReceived: 0, sharesSent: 0, requestsServed: 0 };
  private readonly timing: { connectIntervalMs: number; getaddrsIntervalMs: number; connectTimeoutMs: number; downloadIdleMs: number };

  constructor(opts: PeerGatewayOptions) {
    super();
    this.opts = opts;
    this.net = opts.net;
    this.source = opts.source;
    this.log = opts.log ?? NULL_LOG;
    this.random = opts.random ?? Math.random;
    this.clock = opts.now ?? (() => Date.now() / 1000);
    this.nonce = opts.nonce ?? randomBytes(8).readBigUInt64LE(0);
    this.bans = new BanList(opts.neverBan);
    this.minProtocolVersion = opts.net.MINIMUM_PROTOCOL_VERSION;
    const t = opts.timings ?? {};
    const ext = opts.externalIp ? parseExternal(opts.externalIp) : null;
    this.config = {
      protocolVersion: t.protocolVersion ?? C.protocolVersion(opts.net.LINEAGE),
      subVersion: opts.subVersion ?? 'p2pool-ts/0.1.0',
      maxPayload: t.maxPayload ?? C.maxPayloadLength(opts.net.LINEAGE),
      maxRemembered: t.maxRemembered ?? C.maxRememberedTxsSize(opts.net.LINEAGE),
      advertise: opts.advertise ?? true,
      externalIp: ext,
      sendBufferLimit: t.sendBufferLimit ?? 96 * 1024 * 1024,
      handshakeMs: t.handshakeMs ?? C.HANDSHAKE_TIMEOUT_MS,
      idleMs: t.idleMs ?? C.IDLE_TIMEOUT_MS,
      sharereqMs: t.sharereqMs ?? C.SHAREREQ_TIMEOUT_MS,
      meanPingMs: t.meanPingMs ?? C.MEAN_PING_INTERVAL_MS,
      meanAdvertisePerPeerMs: t.meanAdvertisePerPeerMs ?? 100_000,
    };
    this.timing = {
      connectIntervalMs: t.connectIntervalMs ?? C.MEAN_CONNECT_INTERVAL_MS,
      getaddrsIntervalMs: t.getaddrsIntervalMs ?? C.MEAN_GETADDRS_INTERVAL_MS,
      connectTimeoutMs: t.connectTimeoutMs ?? C.CONNECT_TIMEOUT_MS,
      downloadIdleMs: t.downloadIdleMs ?? 1000,
    };
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    if (this.running) throw new Error('already running');
    this.running = true;
    if (this.opts.addrsFile) this.addrs.load(this.opts.addrsFile);
    if (this.opts.bootstrap ?? true) {
      const now = this.nowSeconds();
      for (const a of this.net.BOOTSTRAP_ADDRS) {
        try {
          const { host, port } = parseAddr(a, this.net.P2P_PORT);
          this.addrs.seen(host, port, 0n, now);
        } catch (e) { this.log.warn('bad bootstrap address', { address: a, error: (e as Error).message }); }
      }
    }
    const b = this.source.bestShareHash();
    this.best = b instanceof Promise ? await b : b;
    await this.listen();
    for (const a of this.opts.connect ?? []) this.addPeer(a);
    this.every(() => this.timing.connectIntervalMs, () => this.connectTick());
    this.every(() => this.timing.getaddrsIntervalMs, () => this.getaddrsTick());
    if (this.opts.addrsFile) this.every(() => 60_000, () => this.saveAddrs(), false);
    void this.downloadLoop();
    this.log.info('peer gateway started', { net: this.net.NAME, port: this.port, nonce: this.nonce.toString(16), protocol: this.config.protocolVersion });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const p of this.persistent.values()) if (p.timer) clearTimeout(p.timer);
    this.persistent.clear();
    this.wakeDownloader?.();
    for (const peer of [...this.allPeers]) peer.close('gateway stopping');
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.servers.length = 0;
    this.saveAddrs();
    this.log.info('peer gateway stopped', {});
  }

  /** The bound P2P port (after start). */
  get listenAddressPort(): number {
    return this.port;
  }

  listenPort(): number | null {
    return this.servers.length ? this.port : null;
  }

  private async listen(): Promise<void> {
    const hosts = this.opts.listen ?? ['::'];
    let port = this.opts.port ?? this.net.P2P_PORT;
    for (const host of hosts) {
      const server = createServer((sock) => this.onIncoming(sock));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host, port, ipv6Only: false }, () => { server.off('error', reject); resolve(); });
        });
      } catch (e) {
        if (host === '::' && hosts.length === 1) {
          this.log.warn('IPv6 unavailable, listening on IPv4 only', { error: (e as Error).message });
          hosts.push('0.0.0.0');
          continue;
        }
        throw e;
      }
      port = (server.address() as { port: number }).port;
      this.port = port;
      this.servers.push(server);
    }
  }

  private every(mean: () => number, fn: () => void, random = true): void {
    const schedule = () => {
      if (!this.running) return;
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!this.running) return;
        try { fn(); } catch (e) { this.log.error('periodic task failed', { error: (e as Error).stack }); }
        schedule();
      }, random ? expo(mean(), this.random) : mean());
      t.unref();
      this.timers.add(t);
    };
    schedule();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.timers.delete(t); resolve(); }, ms);
      this.timers.add(t);
    });
  }

  private saveAddrs(): void {
    if (!this.opts.addrsFile) return;
    try { this.addrs.save(this.opts.addrsFile); } catch (e) { this.log.warn('could not save addresses', { error: (e as Error).message }); }
  }

  // ---- connections ----

  private onIncoming(sock: Socket): void {
    const host = normalizeHost(sock.remoteAddress ?? '');
    const group = netGroup(host, this.opts.ipv6GroupBits);
    const max = this.opts.maxIncoming ?? C.DEFAULT_MAX_INCOMING;
    const perGroup = this.opts.maxIncomingPerGroup ?? C.MAX_INCOMING_PER_GROUP;
    if (!this.running || this.incomingCount >= max || (this.incomingByGroup.get(group) ?? 0) >= perGroup || this.bans.isBanned(host, Date.now())) {
      sock.destroy();
      return;
    }
    this.incomingCount++;
    this.incomingByGroup.set(group, (this.incomingByGroup.get(group) ?? 0) + 1);
    const peer = new Peer(this, sock, true);
    this.allPeers.add(peer);
  }

  /** Open an outgoing connection; `onDone` runs when it fails or, after connecting, closes. */
  private dial(host: string, port: number, onPeer: (p: Peer) => void, onDone: () => void): void {
    const bind = this.opts.bindAddress;
    const sameFamily = bind !== undefined && isIP(bind) !== 0 && (isIP(bind) === 6) === (isIP(host) === 6);
    const sock = connect(sameFamily ? { host, port, localAddress: bind } : { host, port });
    let done = false;
    const finish = () => { if (!done) { done = true; onDone(); } };
    const timer = setTimeout(() => { sock.destroy(); finish(); }, this.timing.connectTimeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      if (!this.running) { sock.destroy(); finish(); return; }
      const peer = new Peer(this, sock, false);
      this.allPeers.add(peer);
      onPeer(peer);
      if (peer.closed) finish();
      else sock.once('close', finish);
    });
    sock.once('error', () => { clearTimeout(timer); if (sock.connecting || !sock.remoteAddress) finish(); });
    sock.once('close', () => { clearTimeout(timer); if (!sock.remoteAddress) finish(); });
  }

  private outgoingCount(): number {
    let n = 0;
    for (const p of this.peersByNonce.values()) if (!p.incoming && !this.isPersistentPeer(p)) n++;
    return n;
  }

  private isPersistentPeer(p: Peer): boolean {
    for (const e of this.persistent.values()) if (e.peer === p) return true;
    return false;
  }

  private connectedTo(host: string, port: number): boolean {
    for (const p of this.allPeers) if (p.host === host && (p.port === port || p.incoming)) return p.port === port;
    return false;
  }

  /** Every ~1 s: one attempt to a good address while below the desired outgoing count (docs/protocol.md §3.6). */
  private connectTick(): void {
    const desired = Math.min(this.opts.outgoing ?? C.DEFAULT_OUTGOING, C.MAX_OUTGOING);
    let inFlight = 0;
    for (const n of this.attempts.values()) inFlight += n;
    if (this.outgoingCount() >= desired || inFlight >= C.MAX_CONNECT_ATTEMPTS || this.addrs.size === 0) return;
    const [cand] = this.addrs.goodPeers(1, this.nowSeconds(), this.random);
    if (!cand) return;
    const group = netGroup(cand.host, this.opts.ipv6GroupBits);
    if (this.attempts.has(group) || this.bans.isBanned(cand.host, Date.now()) || this.connectedTo(cand.host, cand.port)) return;
    if (cand.port === this.port && this.isOwnAddress(cand.host)) return;
    this.attempts.set(group, 1);
    this.dial(cand.host, cand.port, () => {}, () => this.attempts.delete(group));
  }

  private isOwnAddress(host: string): boolean {
    for (const s of this.servers) {
      const a = s.address();
      if (a && typeof a === 'object' && normalizeHost(a.address) === host) return true;
    }
    return false;
  }

  /** Every ~20 s: ask a random peer for 8 addresses while the store holds fewer than 1000. */
  private getaddrsTick(): void {
    if (this.addrs.size >= C.PREFERRED_ADDR_STORAGE) return;
    (this.randomPeer() as Peer | undefined)?.sendGetaddrs(8);
  }

  /** -n ADDR[:PORT] (also at run time): a connection that is always re-established. */
  addPeer(address: string): void {
    const { host, port } = parseAddr(address, this.net.P2P_PORT);
    const key = formatAddr(host, port);
    if (this.persistent.has(key)) return;
    const entry = { host, port, delay: 1000, peer: null as Peer | null, timer: null as NodeJS.Timeout | null };
    this.persistent.set(key, entry);
    const attempt = () => {
      entry.timer = null;
      if (!this.running || this.persistent.get(key) !== entry) return;
      this.dial(host, port, (p) => { entry.peer = p; }, () => {
        const wasUp = entry.peer?.established ?? false;
        entry.peer = null;
        if (!this.running || this.persistent.get(key) !== entry) return;
        // Reconnect with growing delays (ReconnectingClientFactory); a good connection resets them.
        entry.delay = wasUp ? 1000 : Math.min(entry.delay * Math.E, 60_000);
        entry.timer = setTimeout(attempt, entry.delay * (0.9 + 0.2 * this.random()));
        entry.timer.unref();
      });
    };
    attempt();
  }

  // ---- PeerHost / NodeContext ----

  nowSeconds(): number {
    return Math.floor(this.clock());
  }

  hasPeerNonce(nonce: bigint): boolean {
    return this.peersByNonce.has(nonce);
  }

  peerCount(): number {
    return this.peersByNonce.size;
  }

  randomPeer(): PeerLike | undefined {
    const n = this.peersByNonce.size;
    if (!n) return undefined;
    let i = Math.floor(this.random() * n);
    for (const p of this.peersByNonce.values()) if (i-- === 0) return p;
    return undefined;
  }

  bestShareHashNow(): bigint | null {
    const b = this.source.bestShareHash();
    if (!(b instanceof Promise)) this.best = b;
    return this.best;
  }

  packed(share: Share): Buffer {
    let p = this.packCache.get(share);
    if (!p) this.packCache.set(share, (p = share.pack()));
    return p;
  }

  txRelayActive(): boolean {
    if (!this.source.bestShareVersion) return false;
    const v = this.source.bestShareVersion();
    return (v ?? this.net.GENESIS_SHARE_VERSION) < C.TX_FREE_SHARE_VERSION;
  }

  knownTx(hash: bigint): Buffer | undefined {
    return this.source.knownTx?.(hash);
  }

  knownTxHashes(): bigint[] {
    return this.source.knownTxHashes ? [...this.source.knownTxHashes()] : [];
  }

  miningTxs(): ReadonlyMap<bigint, Buffer> {
    return this.source.miningTxs?.() ?? new Map();
  }

  addKnownTxs(txs: Map<bigint, Buffer>): void {
    this.source.addKnownTxs?.(txs);
  }

  onEstablished(peer: Peer): void {
    this.peersByNonce.set(peer.nonce!, peer);
    this.log.info('peer connected', { peer: peer.addr, incoming: peer.incoming, protocol: peer.remoteVersion, subVersion: peer.subVersion });
    this.emit('peer-connected', this.info(peer));
  }

  onClosed(peer: Peer, reason: string): void {
    this.allPeers.delete(peer);
    if (peer.incoming) {
      this.incomingCount--;
      const group = netGroup(peer.host, this.opts.ipv6GroupBits);
      const n = (this.incomingByGroup.get(group) ?? 1) - 1;
      if (n > 0) this.incomingByGroup.set(group, n); else this.incomingByGroup.delete(group);
    }
    if (peer.established && peer.nonce !== null && this.peersByNonce.get(peer.nonce) === peer) {
      this.peersByNonce.delete(peer.nonce);
      this.log.info('peer disconnected', { peer: peer.addr, reason });
      this.emit('peer-disconnected', { ...this.info(peer), reason });
    } else {
      this.log.debug('connection closed before handshake', { peer: peer.addr, reason });
    }
    // A connection to ourselves: forget the address so it is not tried again.
    if (!peer.incoming && reason.includes('connected to self')) this.addrs.remove(peer.host, peer.port);
  }

  onFrameError(peer: Peer, kind: 'oversize' | 'bad-checksum' | 'unknown-command' | 'decode', detail: string): void {
    if (kind === 'oversize') this.stats.oversize++;
    else if (kind === 'bad-checksum') this.stats.badChecksum++;
    else if (kind === 'unknown-command') this.stats.unknownCommand++;
    else this.stats.decode++;
    this.log.debug(`frame ${kind}`, { peer: peer.addr, detail });
  }

  /** badPeerHappened: disconnect, and ban the host for seconds · score² (localhost spared). */
  ban(peer: Peer, seconds: number, reason: string): void {
    const rec = this.bans.ban(peer.host, seconds, reason, Date.now());
    peer.close(`banned: ${reason}`);
    this.reportBan(peer.addr, rec, reason);
  }

  private reportBan(addr: string, rec: BanRecord | null, reason: string): void {
    if (!rec) {
      this.log.warn('peer misbehaving (localhost: not banned)', { peer: addr, reason });
      return;
    }
    this.log.warn('peer banned', { peer: addr, reason, seconds: Math.round((rec.until - Date.now()) / 1000), score: rec.score });
    this.emit('ban', { peer: addr, host: rec.host, reason, until: rec.until, score: rec.score });
  }

  // ---- share exchange ----

  receiveShares(peer: PeerLike, shares: Share[], txs: Buffer[]): void {
    void this.deliverShares(peer as Peer, shares, txs, (peer as Peer).lastDataAt);
  }

  private async deliverShares(peer: Peer, shares: Share[], txs: Buffer[], receivedAt: number): Promise<void> {
    if (!shares.length) return;
    for (const s of shares) peer.knownShares.add(s.hash);
    this.stats.sharesReceived += shares.length;
    try {
      const r = this.source.addShares(shares, { peer: peer.addr, txs });
      const res = r instanceof Promise ? await r : r;
      this.emit('shares', { peer: peer.addr, shares, newHashes: res.newHashes, receivedAt } satisfies SharesEvent);
    } catch (e) {
      this.log.error('sharechain rejected shares', { peer: peer.addr, error: (e as Error).stack });
    }
  }

  /** `handle_share_hashes`: request announced hashes we lack; a failure bans for 30 s · score². */
  handleShareHashes(peer: Peer, hashes: bigint[]): void {
    void (async () => {
      const fresh: bigint[] = [];
      for (const h of hashes) {
        const has = this.source.has(h);
        if (!(has instanceof Promise ? await has : has)) fresh.push(h);
      }
      if (!fresh.length) return;
      let shares: Share[];
      try {
        shares = await peer.requestShares(fresh, 0, []);
      } catch (e) {
        this.ban(peer, C.DOWNLOAD_BAN_SECONDS, `share request failed: ${(e as Error).message}`);
        return;
      }
      await this.deliverShares(peer, shares, [], performance.now());
    })();
  }

  serveShareRequest(peerLike: PeerLike, m: SharereqMessage): void {
    const peer = peerLike as Peer;
    if (m.hashes.length === 0) {
      // The reference divides by len(hashes): an empty request is an error and drops the connection.
      peer.close('sharereq without hashes');
      return;
    }
    const parents = Math.min(m.parents, Math.floor(C.SHAREREQ_MAX_SHARES / m.hashes.length));
    const answer = (shares: readonly Share[]) => {
      if (peer.closed) return;
      this.stats.requestsServed++;
      const packed = shares.map((s) => this.packed(s));
      let size = 32 + 1 + 9;
      for (const p of packed) size += p.length;
      if (size > this.config.maxPayload) peer.sendShareReply(m.id, 'too long', []);
      else peer.sendShareReply(m.id, 'good', packed);
      for (const s of shares) peer.knownShares.add(s.hash);
    };
    try {
      const r = this.source.getShares(m.hashes, parents, new Set(m.stops));
      if (r instanceof Promise) r.then(answer, (e) => peer.fault(e, 'sharereq'));
      else answer(r);
    } catch (e) {
      peer.fault(e, 'sharereq');
    }
  }

  gotBestBlock(peer: PeerLike, header: BlockHeader): void {
    this.emit('bestblock', { peer: peer.addr, header });
  }

  /**
   * `broadcast_share(h)`: up to 5 shares back from `hash` not yet shared, sent to every peer that is
   * not known to have them (never echoed to the peer they came from). Returns how many peers got some.
   */
  broadcastShare(hash: bigint, chain: readonly Share[]): number {
    this.best = hash;
    const fresh: Share[] = [];
    for (const s of chain.slice(0, C.BROADCAST_DEPTH)) {
      if (this.shared.has(s.hash)) break;
      this.markShared(s.hash);
      fresh.push(s);
    }
    return this.sendToPeers(fresh);
  }

  /** Send shares to every connected peer that lacks them (BroadcastShare of the contract). */
  sendToPeers(list: readonly Share[], excludePeer?: string): number {
    if (!list.length) return 0;
    let sent = 0;
    for (const peer of this.peersByNonce.values()) {
      if (peer.addr === excludePeer) continue;
      const forPeer = list.filter((s) => s.peerAddr !== peer.addr && !peer.knownShares.has(s.hash));
      if (!forPeer.length) continue;
      try {
        peer.sendShares(forPeer);
        sent++;
        this.stats.sharesSent += forPeer.length;
      } catch (e) {
        this.log.warn('could not send shares', { peer: peer.addr, error: (e as Error).message });
      }
    }
    return sent;
  }

  private markShared(h: bigint): void {
    this.shared.add(h);
    // Bounded like the tracker it mirrors: the oldest entries go first.
    if (this.shared.size > 4 * this.net.CHAIN_LENGTH + 100) this.shared.delete(this.shared.values().next().value!);
  }

  /** Relay a best-block header to every peer (the node's best_block_header changed). */
  broadcastBestBlock(header: BlockHeader): void {
    for (const p of this.peersByNonce.values()) p.sendBestBlock(header);
  }

  /** RequestShares of the contract: `sharereq` to a given or random peer. */
  requestShares(hashes: bigint[], parents: number, stops: bigint[], peerAddr?: string): { peer: string; shares: Promise<Share[]> } | null {
    const peer = (peerAddr ? [...this.peersByNonce.values()].find((p) => p.addr === peerAddr) : undefined) ?? (this.randomPeer() as Peer | undefined);
    if (!peer) return null;
    const shares = peer.requestShares(hashes, parents, stops);
    shares.then((s) => this.deliverShares(peer, s, [], performance.now()), () => {});
    return { peer: peer.addr, shares };
  }

  /** The sharechain's `desired` (missing parents worth downloading), replacing the previous list. */
  setDesired(list: readonly DesiredEntry[]): void {
    this.desired = list.slice();
    if (this.desired.length && this.wakeDownloader) {
      const w = this.wakeDownloader;
      this.wakeDownloader = null;
      w();
    }
  }

  /** `download_shares`: while parents are missing, ask a random peer for one with random depth. */
  private async downloadLoop(): Promise<void> {
    while (this.running) {
      if (!this.desired.length) {
        await new Promise<void>((r) => { this.wakeDownloader = r; });
        continue;
      }
      const want = this.desired[Math.floor(this.random() * this.desired.length)]!;
      const peer = this.randomPeer() as Peer | undefined;
      if (!peer) { await this.sleep(this.timing.downloadIdleMs); continue; }
      let shares: Share[];
      try {
        const st = this.source.downloadStops();
        const stops = (st instanceof Promise ? await st : st).slice(0, C.DOWNLOAD_MAX_STOPS);
        shares = await peer.requestShares([want.hash], Math.floor(this.random() * C.DOWNLOAD_PARENTS_RANGE), stops as bigint[]);
      } catch (e) {
        if (e instanceof ShareRequestTimeout || e instanceof PeerClosed) continue;
        this.ban(peer, C.DOWNLOAD_BAN_SECONDS, `share download failed: ${(e as Error).message}`);
        continue;
      }
      if (!shares.length) { await this.sleep(this.timing.downloadIdleMs); continue; }
      await this.deliverShares(peer, shares, [], performance.now());
    }
  }

  // ---- policy hooks for the sharechain ----

  /** A share from `peerAddr` failed verification (think's bad peers): ban its host. */
  punishPeer(peerAddr: string, reason: string, seconds: number = C.BAN_SECONDS): void {
    const peer = [...this.allPeers].find((p) => p.addr === peerAddr);
    if (peer) { this.ban(peer, seconds, reason); return; }
    try {
      const { host } = parseAddr(peerAddr, this.net.P2P_PORT);
      this.reportBan(peerAddr, this.bans.ban(host, seconds, reason, Date.now()), reason);
    } catch { /* not an address */ }
  }

  /** BanPeer of the contract: ban a host (and drop its connections). */
  banHost(address: string, seconds: number, reason: string): void {
    const host = parseAddr(address, this.net.P2P_PORT).host;
    const rec = this.bans.ban(host, seconds, reason, Date.now());
    for (const p of [...this.allPeers]) if (p.host === host) p.close(`banned: ${reason}`);
    this.reportBan(address, rec, reason);
  }

  /** After a share passed check(): raise the minimum protocol version if its window demands it. */
  noteVerified(share: Share, counts: ReadonlyMap<number, bigint> | null): void {
    const next = raisedMinimumProtocolVersion(this.net, this.minProtocolVersion, share, counts);
    if (next > this.minProtocolVersion) {
      this.log.info('minimum protocol version raised', { from: this.minProtocolVersion, to: next });
      this.minProtocolVersion = next;
    }
  }

  /** known_txs changed (v < 34): tell peers (have_tx / losing_tx), keep lost ones briefly. */
  knownTxsChanged(added: ReadonlyMap<bigint, Buffer>, removed: ReadonlyMap<bigint, Buffer>): void {
    if (!this.txRelayActive()) return;
    for (const p of this.peersByNonce.values()) {
      if (added.size) p.sendTxHashes('have_tx', [...added.keys()]);
      if (removed.size) {
        p.sendTxHashes('losing_tx', [...removed.keys()]);
        p.tx.cacheForgotten(new Map(removed));
      }
    }
  }

  /** mining_txs changed (v < 34): forget_tx the removed, remember_tx the added. */
  miningTxsChanged(added: ReadonlyMap<bigint, Buffer>, removed: ReadonlyMap<bigint, Buffer>): void {
    if (!this.txRelayActive()) return;
    for (const p of this.peersByNonce.values()) {
      if (removed.size) {
        p.sendTxHashes('forget_tx', [...removed.keys()]);
        for (const tx of removed.values()) p.tx.remoteRememberedSize -= 100 + tx.length;
      }
      if (added.size) {
        for (const tx of added.values()) p.tx.remoteRememberedSize += 100 + tx.length;
        const hashes = [...added.keys()];
        p.sendRememberTx(hashes.filter((h) => p.tx.remoteTxHashes.has(h)), hashes.filter((h) => !p.tx.remoteTxHashes.has(h)).map((h) => added.get(h)!));
      }
    }
  }

  // ---- introspection ----

  private info(p: Peer): PeerInfo {
    return {
      address: p.addr, incoming: p.incoming, protocolVersion: p.remoteVersion ?? 0, subVersion: p.subVersion,
      connectedSinceMs: p.connectedAt, bestShareHash: p.announcedBest, rememberedTxsSize: p.tx.rememberedSize,
    };
  }

  peers(): PeerInfo[] {
    return [...this.peersByNonce.values()].map((p) => this.info(p));
  }

  getStats(): GatewayStats {
    let incoming = 0;
    for (const p of this.peersByNonce.values()) if (p.incoming) incoming++;
    return {
      incoming, outgoing: this.peersByNonce.size - incoming, knownAddresses: this.addrs.size, bans: this.bans.list(Date.now()).length,
      framesDropped: { oversize: this.stats.oversize, badChecksum: this.stats.badChecksum, unknownCommand: this.stats.unknownCommand, decode: this.stats.decode },
      sharesReceived: this.stats.sharesReceived, sharesSent: this.stats.sharesSent, requestsServed: this.stats.requestsServed,
    };
  }

  /** The reference's /peer_addresses: "host:port host:port …" of connected peers. */
  peerAddresses(): string {
    return [...this.peersByNonce.values()].map((p) => p.addr).join(' ');
  }
}

function expo(mean: number, random: () => number): number {
  return -Math.log(1 - random()) * mean;
}

function parseExternal(text: string): { host: string; port: number | null } {
  const t = text.trim();
  const explicit = /\]:\d+$/.test(t) || /^[^:]+:\d+$/.test(t);
  const { host, port } = parseAddr(t, 1);
  return { host, port: explicit ? port : null };
}

// Re-exported for hosts that build request replies themselves.
export { encodeShareReply };
