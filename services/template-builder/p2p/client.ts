// A P2P link to our own full node: the fastest way to learn of a new block (the node announces it
// to us the moment it connects it) and a second path, besides submitblock, for found blocks.
// Reconnects with backoff forever; a restarted node is picked up again without help.
import net from 'node:net';
import { EventEmitter } from 'node:events';
import {
  FrameReader,
  frame,
  encodeVersion,
  decodeVersion,
  decodeInv,
  decodeHeaders,
  MSG_BLOCK,
  MSG_WITNESS_FLAG,
  type AnnouncedHeader,
  type VersionInfo,
} from './messages.ts';

export interface P2PClientOptions {
  host: string;
  port: number;
  magic: Buffer;
  nodeName?: string;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  pingIntervalMs?: number;
  handshakeTimeoutMs?: number;
}

export interface P2PClientEvents {
  ready: [VersionInfo];
  /** A new block hash from the node (inv or headers); header is set when it came as headers. */
  block: [hash: string, header: AnnouncedHeader | undefined];
  down: [reason: string];
}

export class P2PClient extends EventEmitter<P2PClientEvents> {
  private readonly opts: Required<Omit<P2PClientOptions, 'nodeName'>> & { nodeName: string };
  private sock: net.Socket | undefined;
  private ready = false;
  private stopped = true;
  private backoff: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private lastError = '';
  peerVersion: VersionInfo | undefined;

  constructor(opts: P2PClientOptions) {
    super();
    this.opts = {
      reconnectMinMs: 250,
      reconnectMaxMs: 10_000,
      pingIntervalMs: 30_000,
      handshakeTimeoutMs: 10_000,
      nodeName: 'full node',
      ...opts,
    };
    this.backoff = this.opts.reconnectMinMs;
  }

  get connected(): boolean {
    return this.ready;
  }

  /** The node's kind may only be known after start (bitcoind vs btcd); messages follow it. */
  set nodeName(name: string) {
    this.opts.nodeName = name;
  }

  get endpoint(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.teardown();
  }

  /** Sends a serialized block; false when there is no handshaken connection to send it on. */
  sendBlock(block: Buffer): boolean {
    if (!this.ready || !this.sock) return false;
    this.sock.write(frame(this.opts.magic, 'block', block));
    return true;
  }

  private connect(): void {
    const sock = net.createConnection({ host: this.opts.host, port: this.opts.port });
    this.sock = sock;
    sock.setNoDelay(true);
    const reader = new FrameReader(this.opts.magic);
    this.handshakeTimer = setTimeout(() => sock.destroy(new Error('handshake timed out')), this.opts.handshakeTimeoutMs);
    sock.on('connect', () => {
      sock.write(frame(this.opts.magic, 'version', encodeVersion({ port: this.opts.port })));
    });
    sock.on('data', (chunk: Buffer) => {
      try {
        for (const f of reader.push(chunk)) this.onMessage(sock, f.command, f.payload);
      } catch (e) {
        sock.destroy(e as Error);
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      this.lastError = e.code === 'ECONNREFUSED' ? 'connection refused' : e.message;
    });
    sock.on('close', () => {
      if (this.sock !== sock) return;
      const wasReady = this.ready;
      this.teardown();
      const reason = `P2P link to ${this.opts.nodeName} at ${this.endpoint} ${wasReady ? 'lost' : 'failed'}${this.lastError ? `: ${this.lastError}` : ''}`;
      this.lastError = '';
      this.emit('down', reason);
      if (!this.stopped) {
        this.reconnectTimer = setTimeout(() => this.connect(), this.backoff);
        this.backoff = Math.min(this.backoff * 2, this.opts.reconnectMaxMs);
      }
    });
  }

  private onMessage(sock: net.Socket, command: string, payload: Buffer): void {
    const magic = this.opts.magic;
    switch (command) {
      case 'version':
        this.peerVersion = decodeVersion(payload);
        sock.write(frame(magic, 'verack'));
        break;
      case 'verack':
        clearTimeout(this.handshakeTimer);
        this.ready = true;
        this.backoff = this.opts.reconnectMinMs;
        // Ask for headers announcements: they carry the header itself, not only its hash.
        sock.write(frame(magic, 'sendheaders'));
        this.pingTimer = setInterval(() => {
          const nonce = Buffer.alloc(8);
          nonce.writeBigUInt64LE(BigInt(Date.now()));
          sock.write(frame(magic, 'ping', nonce));
        }, this.opts.pingIntervalMs);
        this.pingTimer.unref();
        this.emit('ready', this.peerVersion!);
        break;
      case 'ping':
        sock.write(frame(magic, 'pong', payload));
        break;
      case 'inv':
        for (const item of decodeInv(payload)) {
          if ((item.type & ~MSG_WITNESS_FLAG) === MSG_BLOCK) this.emit('block', item.hash, undefined);
        }
        break;
      case 'headers':
        for (const h of decodeHeaders(payload)) this.emit('block', h.hash, h);
        break;
      default:
        // getheaders, sendcmpct, feefilter, addr, wtxidrelay...: nothing we need to answer.
        break;
    }
  }

  private teardown(): void {
    clearTimeout(this.handshakeTimer);
    clearInterval(this.pingTimer);
    this.ready = false;
    const s = this.sock;
    this.sock = undefined;
    s?.destroy();
  }
}
