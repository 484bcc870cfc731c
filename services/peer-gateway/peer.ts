// One P2P connection: frames in and out, the handshake state machine, its timers, outstanding share
// requests and its transaction-relay view. Everything node-wide goes through PeerHost.
import type { Socket } from 'node:net';
import type { Share } from '../core/index.ts';
import { FrameDecoder, encodeFrame, type FrameEvent } from './framing.ts';
import { PeerDisconnect, PeerMisbehavingError } from './errors.ts';
import { BAN_SECONDS, TX_FREE_SHARE_VERSION, TX_SHARE_MIN_VERSION } from './constants.ts';
import {
  MESSAGES,
  version,
  ping,
  addrme,
  addrs,
  getaddrs,
  shares as sharesMsg,
  sharereq,
  sharereply,
  haveTx,
  losingTx,
  rememberTx,
  forgetTx,
  bestblock,
} from './messages/index.ts';
import type { NodeContext, PeerLike } from './messages/context.ts';
import type { AddrRecord } from './messages/addrs.ts';
import type { VersionMessage } from './messages/version.ts';
import type { ShareReplyResult } from './messages/sharereply.ts';
import { ShareRequests } from './share-requests.ts';
import { TxRelay, txCost } from './tx-relay.ts';
import { fragment } from './fragment.ts';
import { formatAddr, normalizeHost } from './netaddr.ts';
import { expo } from './timers.ts';
import type { BlockHeader } from '../core/index.ts';

export interface PeerTimings {
  handshakeMs: number;
  idleMs: number;
  sharereqMs: number;
  meanPingMs: number;
  /** Mean delay between advertisements is this · (number of peers) + 1 s. */
  meanAdvertisePerPeerMs: number;
}

export interface PeerConfig extends PeerTimings {
  protocolVersion: number;
  subVersion: string;
  maxPayload: number;
  maxRemembered: number;
  advertise: boolean;
  /** --external-ip HOST[:PORT]: advertise this instead of asking peers to `addrme` us. */
  externalIp: { host: string; port: number | null } | null;
  /** Drop a peer that does not read: more than this many bytes queued for it. */
  sendBufferLimit: number;
}

/** What a connection needs from the node beyond what message handlers see. */
export interface PeerHost extends NodeContext {
  readonly config: PeerConfig;
  readonly log: GatewayLog;
  listenPort(): number | null;
  peerCount(): number;
  bestShareHashNow(): bigint | null;
  packed(share: Share): Buffer;
  miningTxs(): ReadonlyMap<bigint, Buffer>;
  knownTxHashes(): bigint[];
  onEstablished(peer: Peer): void;
  onClosed(peer: Peer, reason: string): void;
  onFrameError(peer: Peer, kind: 'oversize' | 'bad-checksum' | 'unknown-command' | 'decode', detail: string): void;
  ban(peer: Peer, seconds: number, reason: string): void;
  handleShareHashes(peer: Peer, hashes: bigint[]): void;
}

export interface GatewayLog {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A bounded set that forgets its oldest entries (what a peer is known to have). */
class RecentSet {
  private readonly set = new Set<bigint>();
  private readonly cap: number;
  constructor(cap: number) {
    this.cap = cap;
  }
  add(h: bigint): void {
    if (this.set.has(h)) return;
    this.set.add(h);
    if (this.set.size > this.cap) this.set.delete(this.set.values().next().value!);
  }
  has(h: bigint): boolean {
    return this.set.has(h);
  }
}

export class Peer implements PeerLike {
  readonly node: PeerHost;
  readonly socket: Socket;
  readonly incoming: boolean;
  readonly host: string;
  readonly port: number;
  readonly addr: string;
  readonly connectedAt = Date.now();
  remoteVersion: number | null = null;
  subVersion = '';
  services = 0n;
  nonce: bigint | null = null;
  /** The best share hash the peer announced in its version. */
  announcedBest: bigint | null = null;
  established = false;
  closed = false;
  closeReason = '';
  readonly tx: TxRelay;
  readonly requests: ShareRequests;
  /** Shares this peer sent us or we sent it: never sent to it again. */
  readonly knownShares = new RecentSet(4096);
  bytesIn = 0;
  bytesOut = 0;
  /** performance.now() of the last received chunk: when the frame being handled arrived. */
  lastDataAt = 0;
  private readonly decoder: FrameDecoder;
  private timer: NodeJS.Timeout;
  private pingTimer: NodeJS.Timeout | null = null;
  private advertiseTimer: NodeJS.Timeout | null = null;

  constructor(node: PeerHost, socket: Socket, incoming: boolean) {
    this.node = node;
    this.socket = socket;
    this.incoming = incoming;
    this.host = normalizeHost(socket.remoteAddress ?? '');
    this.port = socket.remotePort ?? 0;
    this.addr = formatAddr(this.host, this.port);
    const cfg = node.config;
    this.tx = new TxRelay(node, cfg.maxRemembered);
    this.requests = new ShareRequests(cfg.sharereqMs, () => this.close('share request timed out'));
    this.decoder = new FrameDecoder(node.net.PREFIX, cfg.maxPayload, (e) => this.onFrameEvent(e));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      this.lastDataAt = performance.now();
      // Any received data resets the idle timer once connected (the reference's new_dataReceived).
      if (this.established) this.timer.refresh();
      this.decoder.push(chunk);
    });
    socket.on('error', (e) => this.close(`socket error: ${e.message}`));
    socket.on('close', () => this.close('connection closed'));
    this.timer = setTimeout(() => this.close('handshake timed out'), cfg.handshakeMs);
    this.sendVersion();
  }

  private sendVersion(): void {
    const s = this.socket;
    const m: VersionMessage = {
      version: this.node.config.protocolVersion,
      services: 0n,
      addrTo: { services: 0n, host: this.host, port: this.port },
      addrFrom: { services: 0n, host: normalizeHost(s.localAddress ?? '0.0.0.0'), port: s.localPort ?? 0 },
      nonce: this.node.nonce,
      subVersion: this.node.config.subVersion,
      mode: 1,
      bestShareHash: this.node.bestShareHashNow(),
    };
    this.send(version.command, version.encode(m));
  }

  send(command: string, payload: Buffer): void {
    if (this.closed) return;
    const frame = encodeFrame(this.node.net.PREFIX, command, payload, this.node.config.maxPayload);
    this.bytesOut += frame.length;
    this.socket.write(frame);
    if (this.socket.writableLength > this.node.config.sendBufferLimit) this.close('peer is not reading (send buffer full)');
  }

  private onFrameEvent(e: FrameEvent): void {
    if (this.closed) return;
    if (e.kind === 'oversize') {
      this.node.onFrameError(this, 'oversize', `${e.command} length ${e.length} too large`);
      return;
    }
    if (e.kind === 'bad-checksum') {
      this.node.onFrameError(this, 'bad-checksum', `${e.command} length ${e.length}`);
      this.node.ban(this, BAN_SECONDS, `invalid checksum on ${JSON.stringify(e.command)}`);
      return;
    }
    this.dispatch(e.command, e.payload);
  }

  private dispatch(command: string, payload: Buffer): void {
    const spec = MESSAGES.get(command);
    if (!spec) {
      this.node.onFrameError(this, 'unknown-command', command);
      return;
    }
    let message: unknown;
    try {
      message = spec.decode(payload);
    } catch (e) {
      this.node.onFrameError(this, 'decode', `${command}: ${(e as Error).message}`);
      this.close(`error decoding ${command}: ${(e as Error).message}`);
      return;
    }
    try {
      if (command !== version.command && !this.established) throw new PeerMisbehavingError('first message was not version message');
      spec.handle(this, message as never);
    } catch (e) {
      this.fault(e, command);
    }
  }

  /** The reference's reaction to a handler's exception: ban for misbehaviour, else disconnect. */
  fault(e: unknown, context: string): void {
    if (this.closed) return;
    if (e instanceof PeerMisbehavingError) this.node.ban(this, BAN_SECONDS, e.message);
    else if (e instanceof PeerDisconnect) this.close(e.message);
    else {
      this.node.log.warn('error handling peer message', { peer: this.addr, command: context, error: (e as Error)?.stack ?? String(e) });
      this.close(`error handling ${context}: ${(e as Error)?.message ?? e}`);
    }
  }

  establish(m: VersionMessage): void {
    const cfg = this.node.config;
    this.nonce = m.nonce;
    this.announcedBest = m.bestShareHash;
    this.established = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.close('connection timed out (idle)'), cfg.idleMs);
    this.node.onEstablished(this);
    this.pingLoop();
    if (cfg.advertise) this.advertiseLoop();
    if (m.bestShareHash !== null) this.node.handleShareHashes(this, [m.bestShareHash]);
    if (this.node.txRelayActive()) this.startTxRelay();
  }

  private pingLoop(): void {
    this.send(ping.command, ping.encode());
    this.pingTimer = setTimeout(() => this.pingLoop(), expo(this.node.config.meanPingMs, this.node.random));
    this.pingTimer.unref();
  }

  private advertiseLoop(): void {
    this.sendAdvertisement();
    const mean = this.node.config.meanAdvertisePerPeerMs * this.node.peerCount() + 1000;
    this.advertiseTimer = setTimeout(() => this.advertiseLoop(), expo(mean, this.node.random));
    this.advertiseTimer.unref();
  }

  private sendAdvertisement(): void {
    const port = this.node.listenPort();
    if (port === null) return;
    const ext = this.node.config.externalIp;
    if (ext) {
      this.sendAddrs([
        { timestamp: BigInt(this.node.nowSeconds()), address: { services: this.services, host: ext.host, port: ext.port ?? port } },
      ]);
    } else {
      this.sendAddrme(port);
    }
  }

  /** have_tx with everything known, and remember_tx of the current template (docs/protocol.md §3.4 step 3). */
  private startTxRelay(): void {
    const known = this.node.knownTxHashes();
    if (known.length) this.sendTxHashes(haveTx.command, known);
    const mining = [...this.node.miningTxs().values()];
    if (!mining.length) return;
    for (const tx of mining) this.tx.remoteRememberedSize += txCost(tx);
    if (this.tx.remoteRememberedSize > this.tx.budget) throw new Error('template transactions exceed the remembered-tx budget');
    this.sendRememberTx([], mining);
  }

  sendAddrme(port: number): void {
    this.send(addrme.command, addrme.encode({ port }));
  }

  sendAddrs(list: AddrRecord[]): void {
    this.send(addrs.command, addrs.encode({ addrs: list }));
  }

  sendGetaddrs(count: number): void {
    this.send(getaddrs.command, getaddrs.encode({ count }));
  }

  sendBestBlock(header: BlockHeader): void {
    this.send(bestblock.command, bestblock.encode({ header }));
  }

  sendTxHashes(command: 'have_tx' | 'losing_tx' | 'forget_tx', hashes: bigint[]): void {
    const codec = command === 'have_tx' ? haveTx : command === 'losing_tx' ? losingTx : forgetTx;
    for (const p of fragment({ txHashes: hashes }, (l) => codec.encode(l), this.node.config.maxPayload, command)) this.send(command, p);
  }

  sendRememberTx(txHashes: bigint[], txs: Buffer[]): void {
    for (const p of fragment({ txHashes, txs }, (l) => rememberTx.encode(l), this.node.config.maxPayload, rememberTx.command))
      this.send(rememberTx.command, p);
  }

  /** `sendShares` (docs/protocol.md §3.8): remember_tx for v13..33 transactions the peer lacks, shares, forget_tx. */
  sendShares(list: readonly Share[]): void {
    if (this.closed || !list.length) return;
    const need = new Set<bigint>();
    for (const s of list) {
      if (s.type < TX_SHARE_MIN_VERSION || s.type >= TX_FREE_SHARE_VERSION) continue;
      for (const h of s.newTransactionHashes) {
        if (!this.node.knownTx(h)) throw new Error('tried to broadcast share without knowing all its new transactions');
        if (!this.tx.remoteTxHashes.has(h)) need.add(h);
      }
    }
    let toSend: bigint[] = [];
    let size = 0;
    if (need.size) {
      const mining = this.node.miningTxs();
      toSend = [...need].filter((h) => !mining.has(h));
      for (const h of toSend) size += txCost(this.node.knownTx(h)!);
      if (this.tx.remoteRememberedSize + size > this.tx.budget) throw new Error('shares have too many txs');
      this.tx.remoteRememberedSize += size;
      this.sendRememberTx(
        toSend.filter((h) => this.tx.remoteTxHashes.has(h)),
        toSend.filter((h) => !this.tx.remoteTxHashes.has(h)).map((h) => this.node.knownTx(h)!),
      );
    }
    const packed = list.map((s) => this.node.packed(s));
    for (const s of list) this.knownShares.add(s.hash);
    for (const p of fragment({ packed }, (l) => sharesMsg.encode(l), this.node.config.maxPayload, sharesMsg.command))
      this.send(sharesMsg.command, p);
    if (toSend.length) {
      this.sendTxHashes(forgetTx.command, toSend);
      this.tx.remoteRememberedSize -= size;
    }
  }

  sendShareReply(id: bigint, result: ShareReplyResult, packed: readonly Buffer[]): void {
    this.send(sharereply.command, sharereply.encode({ id, result, packed }));
  }

  /** `sharereq` with a pending reply (15 s timeout drops the connection). */
  requestShares(hashes: bigint[], parents: number, stops: bigint[]): Promise<Share[]> {
    if (this.closed) return Promise.reject(new PeerClosed(this.closeReason));
    return this.requests.start((id) => this.send(sharereq.command, sharereq.encode({ id, hashes, parents, stops })));
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.decoder.stop();
    clearTimeout(this.timer);
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.advertiseTimer) clearTimeout(this.advertiseTimer);
    this.socket.destroy();
    this.requests.failAll(new PeerClosed(reason));
    this.tx.close();
    this.node.onClosed(this, reason);
  }
}

/** A request failed because its connection closed. */
export class PeerClosed extends Error {
  constructor(reason: string) {
    super(`connection closed: ${reason}`);
    this.name = 'PeerClosed';
  }
}
