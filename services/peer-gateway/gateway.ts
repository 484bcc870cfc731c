// PeerGateway: a P2Pool P2P node (docs/protocol.md §3) around a ShareSource, put together from one
// part per job: connections.ts (listening, limits, outgoing attempts, -n reconnects, the peer
// registry), address-book.ts (known addresses, bootstrap, addrs file, getaddrs), share-download.ts
// (announced hashes and missing parents), share-relay.ts (broadcast, sharereq answers, best blocks,
// tx relay below v34). This file keeps what the connections' Peer objects call (PeerHost), bans, and
// the introspection. Events: 'shares', 'bestblock', 'peer-connected', 'peer-disconnected', 'ban'.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { BlockHeader, Network, Share } from '../core/index.ts';
import { AddressBook } from './address-book.ts';
import type { AddressStore } from './addr-store.ts';
import { BanList, type BanRecord } from './bans.ts';
import * as C from './constants.ts';
import { Peer, type GatewayLog, type PeerConfig, type PeerHost } from './peer.ts';
import type { PeerLike } from './messages/context.ts';
import type { SharereqMessage } from './messages/sharereq.ts';
import { encode as encodeShareReply } from './messages/sharereply.ts';
import { Connections } from './connections.ts';
import { ShareDownloader, type DesiredEntry } from './share-download.ts';
import { ShareRelay } from './share-relay.ts';
import { GatewayTimers } from './timers.ts';
import type { ShareSource } from '../pool/share-source.ts';
import { parseAddr } from './netaddr.ts';
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
  timings?: Partial<
    PeerConfig & { connectIntervalMs: number; getaddrsIntervalMs: number; connectTimeoutMs: number; downloadIdleMs: number }
  >;
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
  bytesReceived: number;
  bytesSent: number;
}

export interface SharesEvent {
  peer: string;
  shares: Share[];
  newHashes: bigint[];
  /** performance.now() when the bytes carrying them arrived. */
  receivedAt: number;
}

export type { DesiredEntry };

const NULL_LOG: GatewayLog = { debug() {}, info() {}, warn() {}, error() {} };

export class PeerGateway extends EventEmitter implements PeerHost {
  readonly net: Network;
  readonly nonce: bigint;
  readonly config: PeerConfig;
  readonly log: GatewayLog;
  readonly addressBook: AddressBook;
  readonly bans: BanList;
  readonly random: () => number;
  minProtocolVersion: number;
  readonly source: ShareSource;
  readonly timers: GatewayTimers;
  private readonly opts: PeerGatewayOptions;
  private readonly clock: () => number;
  private readonly connections: Connections;
  private readonly downloader: ShareDownloader;
  private readonly relay: ShareRelay;
  private best: bigint | null = null;
  private readonly stats = {
    oversize: 0,
    badChecksum: 0,
    unknownCommand: 0,
    decode: 0,
    sharesReceived: 0,
    sharesSent: 0,
    requestsServed: 0,
  };
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
    this.timers = new GatewayTimers(this.random, this.log);
    this.addressBook = new AddressBook(this.net, opts.addrsFile, this.log);
    this.connections = new Connections(
      {
        ...(opts.listen ? { listen: opts.listen } : {}),
        port: opts.port ?? this.net.P2P_PORT,
        ...(opts.bindAddress !== undefined ? { bindAddress: opts.bindAddress } : {}),
        ...(opts.outgoing !== undefined ? { outgoing: opts.outgoing } : {}),
        ...(opts.maxIncoming !== undefined ? { maxIncoming: opts.maxIncoming } : {}),
        ...(opts.maxIncomingPerGroup !== undefined ? { maxIncomingPerGroup: opts.maxIncomingPerGroup } : {}),
        ...(opts.ipv6GroupBits !== undefined ? { ipv6GroupBits: opts.ipv6GroupBits } : {}),
        connectTimeoutMs: this.timing.connectTimeoutMs,
        defaultPort: this.net.P2P_PORT,
      },
      {
        newPeer: (sock: Socket, incoming: boolean) => new Peer(this, sock, incoming),
        running: () => this.timers.running,
        bans: this.bans,
        random: this.random,
        log: this.log,
      },
    );
    this.downloader = new ShareDownloader(this, this.timing.downloadIdleMs, this.random);
    this.relay = new ShareRelay({
      peers: () => this.connections.established.values(),
      source: this.source,
      maxPayload: this.config.maxPayload,
      chainLength: this.net.CHAIN_LENGTH,
      stats: this.stats,
      log: this.log,
    });
  }

  /** The address store (the messages' addrs/getaddrs handlers read and fill it). */
  get addrs(): AddressStore {
    return this.addressBook.store;
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    if (this.timers.running) throw new Error('already running');
    this.timers.running = true;
    this.addressBook.load(this.opts.bootstrap ?? true, this.nowSeconds());
    const b = this.source.bestShareHash();
    this.best = b instanceof Promise ? await b : b;
    await this.connections.listen();
    for (const a of this.opts.connect ?? []) this.addPeer(a);
    this.timers.every(
      () => this.timing.connectIntervalMs,
      () => this.connections.connectTick(this.addrs, this.nowSeconds()),
    );
    this.timers.every(
      () => this.timing.getaddrsIntervalMs,
      () => this.addressBook.topUp(() => this.connections.randomPeer()),
    );
    if (this.addressBook.persisted)
      this.timers.every(
        () => 60_000,
        () => this.addressBook.save(),
        false,
      );
    void this.downloader.run();
    this.log.info('peer gateway started', {
      net: this.net.NAME,
      port: this.connections.port,
      nonce: this.nonce.toString(16),
      protocol: this.config.protocolVersion,
    });
  }

  async stop(): Promise<void> {
    if (!this.timers.running) return;
    this.timers.stop();
    this.downloader.stop();
    await this.connections.close('gateway stopping');
    this.addressBook.save();
    this.log.info('peer gateway stopped', {});
  }

  /** The bound P2P port (after start). */
  get listenAddressPort(): number {
    return this.connections.port;
  }

  listenPort(): number | null {
    return this.connections.listening ? this.connections.port : null;
  }

  /** -n ADDR[:PORT] (also at run time): a connection that is always re-established. */
  addPeer(address: string): void {
    this.connections.addPersistent(address);
  }

  // ---- PeerHost / NodeContext ----

  nowSeconds(): number {
    return Math.floor(this.clock());
  }

  hasPeerNonce(nonce: bigint): boolean {
    return this.connections.established.has(nonce);
  }

  peerCount(): number {
    return this.connections.established.size;
  }

  randomPeer(): Peer | undefined {
    return this.connections.randomPeer();
  }

  bestShareHashNow(): bigint | null {
    const b = this.source.bestShareHash();
    if (!(b instanceof Promise)) this.best = b;
    return this.best;
  }

  packed(share: Share): Buffer {
    return this.relay.packed(share);
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
    this.connections.onEstablished(peer);
    this.log.info('peer connected', {
      peer: peer.addr,
      incoming: peer.incoming,
      protocol: peer.remoteVersion,
      subVersion: peer.subVersion,
    });
    this.emit('peer-connected', this.info(peer));
  }

  onClosed(peer: Peer, reason: string): void {
    if (this.connections.onClosed(peer)) {
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
    void this.deliver(peer as Peer, shares, txs, (peer as Peer).lastDataAt);
  }

  /** Shares a peer sent, to the sharechain; announced as a 'shares' event with the new hashes. */
  async deliver(peer: Peer, shares: Share[], txs: Buffer[], receivedAt: number): Promise<void> {
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

  handleShareHashes(peer: Peer, hashes: bigint[]): void {
    this.downloader.fetchAnnounced(peer, hashes);
  }

  serveShareRequest(peer: PeerLike, m: SharereqMessage): void {
    this.relay.serve(peer as Peer, m);
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
    return this.relay.broadcast(chain);
  }

  /** Send shares to every connected peer that lacks them (BroadcastShare of the contract). */
  sendToPeers(list: readonly Share[], excludePeer?: string): number {
    return this.relay.sendToPeers(list, excludePeer);
  }

  /** Relay a best-block header to every peer (the node's best_block_header changed). */
  broadcastBestBlock(header: BlockHeader): void {
    this.relay.broadcastBestBlock(header);
  }

  /** RequestShares of the contract: `sharereq` to a given or random peer. */
  requestShares(hashes: bigint[], parents: number, stops: bigint[], peerAddr?: string): { peer: string; shares: Promise<Share[]> } | null {
    const peer = (peerAddr ? this.connections.byAddr(peerAddr) : undefined) ?? this.connections.randomPeer();
    if (!peer) return null;
    const shares = peer.requestShares(hashes, parents, stops);
    shares.then(
      (s) => this.deliver(peer, s, [], performance.now()),
      () => {},
    );
    return { peer: peer.addr, shares };
  }

  /** The sharechain's `desired` (missing parents worth downloading), replacing the previous list. */
  setDesired(list: readonly DesiredEntry[]): void {
    this.downloader.setDesired(list);
  }

  // ---- policy hooks for the sharechain ----

  /** A share from `peerAddr` failed verification (think's bad peers): ban its host. */
  punishPeer(peerAddr: string, reason: string, seconds: number = C.BAN_SECONDS): void {
    const peer = [...this.connections.all].find((p) => p.addr === peerAddr);
    if (peer) {
      this.ban(peer, seconds, reason);
      return;
    }
    try {
      const { host } = parseAddr(peerAddr, this.net.P2P_PORT);
      this.reportBan(peerAddr, this.bans.ban(host, seconds, reason, Date.now()), reason);
    } catch {
      /* not an address */
    }
  }

  /** BanPeer of the contract: ban a host (and drop its connections). */
  banHost(address: string, seconds: number, reason: string): void {
    const host = parseAddr(address, this.net.P2P_PORT).host;
    const rec = this.bans.ban(host, seconds, reason, Date.now());
    for (const p of [...this.connections.all]) if (p.host === host) p.close(`banned: ${reason}`);
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
    if (this.txRelayActive()) this.relay.knownTxsChanged(added, removed);
  }

  /** mining_txs changed (v < 34): forget_tx the removed, remember_tx the added. */
  miningTxsChanged(added: ReadonlyMap<bigint, Buffer>, removed: ReadonlyMap<bigint, Buffer>): void {
    if (this.txRelayActive()) this.relay.miningTxsChanged(added, removed);
  }

  // ---- introspection ----

  private info(p: Peer): PeerInfo {
    return {
      address: p.addr,
      incoming: p.incoming,
      protocolVersion: p.remoteVersion ?? 0,
      subVersion: p.subVersion,
      connectedSinceMs: p.connectedAt,
      bestShareHash: p.announcedBest,
      rememberedTxsSize: p.tx.rememberedSize,
    };
  }

  peers(): PeerInfo[] {
    return [...this.connections.established.values()].map((p) => this.info(p));
  }

  getStats(): GatewayStats {
    let incoming = 0;
    const established = this.connections.established;
    for (const p of established.values()) if (p.incoming) incoming++;
    const traffic = this.connections.traffic();
    return {
      incoming,
      outgoing: established.size - incoming,
      knownAddresses: this.addrs.size,
      bans: this.bans.list(Date.now()).length,
      framesDropped: {
        oversize: this.stats.oversize,
        badChecksum: this.stats.badChecksum,
        unknownCommand: this.stats.unknownCommand,
        decode: this.stats.decode,
      },
      sharesReceived: this.stats.sharesReceived,
      sharesSent: this.stats.sharesSent,
      requestsServed: this.stats.requestsServed,
      bytesReceived: traffic.received,
      bytesSent: traffic.sent,
    };
  }

  /** The reference's /peer_addresses: "host:port host:port …" of connected peers. */
  peerAddresses(): string {
    return [...this.connections.established.values()].map((p) => p.addr).join(' ');
  }
}

function parseExternal(text: string): { host: string; port: number | null } {
  const t = text.trim();
  const explicit = /\]:\d+$/.test(t) || /^[^:]+:\d+$/.test(t);
  const { host, port } = parseAddr(t, 1);
  return { host, port: explicit ? port : null };
}

// Re-exported for hosts that build request replies themselves.
export { encodeShareReply };
