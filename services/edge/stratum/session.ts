// One stratum connection: framing in, JSON-RPC decode, dispatch, and writes with backpressure.
// Deliberately small per connection (no timers, no closures per line): idle miners dominate
// memory at tens of thousands of connections per edge.
import type { Socket } from 'node:net';
import type { EdgeContext } from '../edge-context.ts';
import type { Job } from '../work/jobs.ts';
import type { Vardiff } from '../work/vardiff.ts';
import type { WorkerStats } from '../miners/stats.ts';
import { LineFramer } from '../framing/line-framer.ts';
import { decodeMessage, encodeError, encodeResult, encodeCall } from '../codec/jsonrpc.ts';
import type { RpcId } from '../codec/jsonrpc.ts';
import { dispatch } from './dispatcher.ts';

/** An authorized username on this connection. */
export interface Identity {
  username: string;
  /** Validated payout address, or null for the node's address. */
  payoutAddress: string | null;
  /** Merged-chain payout address as given (checked where the merged chain is known), or null. */
  mergedAddress: string | null;
  /** The stats name of the miner ('' payout → the node). */
  miner: string;
  worker: string;
  desiredShareTarget: bigint | null;
  pseudoshareDifficulty: number | null;
  workKey: string;
  stats: [WorkerStats, WorkerStats];
}

let nextSessionId = 1;

export class StratumSession {
  readonly id = nextSessionId++;
  readonly socket: Socket;
  readonly ctx: EdgeContext;
  readonly framer: LineFramer;
  readonly connectedAt: number;
  lastRecvAt: number;
  en1: Buffer | null = null;
  en1Hex = '';
  subscribed = false;
  extranonceSubscribed = false;
  /** Negotiated BIP310 mask; 0 until mining.configure. */
  versionMask = 0;
  /** The identity whose work this connection mines (the last authorized one). */
  identity: Identity | null = null;
  users: Map<string, Identity> | null = null;
  vardiff: Vardiff | null = null;
  /** mining.suggest_difficulty before work existed. */
  suggestedTarget: bigint | null = null;
  job: Job | null = null;
  /** Work-group key this session is registered under in ctx.groups. */
  groupKey: string | null = null;
  sentTarget = -1n;
  attemptsPerShare = 0;
  badLines = 0;
  closed = false;
  /** Told to reconnect elsewhere by a drain: gets no more work from this edge. */
  leaving = false;
  private paused = false;

  constructor(socket: Socket, ctx: EdgeContext, now: number) {
    this.socket = socket;
    this.ctx = ctx;
    this.connectedAt = now;
    this.lastRecvAt = now;
    this.framer = new LineFramer((line) => this.onLine(line), undefined);
  }

  /** Feeds raw bytes from the socket. */
  receive(chunk: Buffer): void {
    const now = Date.now();
    this.lastRecvAt = now;
    // Replies to every line of this chunk leave in one writev instead of one syscall each.
    const s = this.socket;
    s.cork();
    const ok = this.framer.push(chunk, now);
    s.uncork();
    if (!ok) {
      this.ctx.counters.droppedOversize++;
      this.close();
    }
  }

  private onLine(line: string): void {
    if (this.closed) return;
    const d = decodeMessage(line);
    if (d.kind === 'request') {
      this.badLines = 0;
      dispatch(this, d.request);
    } else if (d.kind === 'invalid') {
      this.ctx.counters.badLines++;
      this.write(encodeError(d.id, d.code, d.message));
      if (++this.badLines >= this.ctx.config.maxBadLines) this.close();
    }
    // Replies to our own calls are ignored, as in the reference.
  }

  reply(id: RpcId, result: unknown): void {
    this.write(encodeResult(id, result));
  }

  error(id: RpcId, code: number, message: string): void {
    this.write(encodeError(id, code, message));
  }

  call(method: string, params: unknown[]): void {
    this.write(encodeCall(method, params));
  }

  write(data: string | Buffer): void {
    if (this.closed) return;
    const s = this.socket;
    s.write(data);
    const queued = s.writableLength;
    if (queued > this.ctx.config.writeHardLimitBytes) {
      // The miner stopped reading long ago; keeping its replies would let it exhaust our memory.
      this.ctx.counters.droppedBackpressure++;
      this.close();
    } else if (queued > this.ctx.config.writeHighWaterBytes && s.writableNeedDrain && !this.paused) {
      // Only when the stream itself will emit 'drain' (it is past its own highWaterMark, 64 KiB
      // by default on Node 22+); otherwise we would wait for an event that never comes.
      // Stop reading its requests until it reads our replies: a submit flood throttles itself.
      this.paused = true;
      this.ctx.counters.readsPaused++;
      s.pause();
      s.once('drain', () => {
        this.paused = false;
        // The partial line waited on us, not on the miner: its slow-loris clock starts again.
        if (this.framer.partialSince !== 0) this.framer.partialSince = Date.now();
        if (!this.closed) s.resume();
      });
    }
  }

  /** Reading stopped by us until the miner reads our replies (write backpressure). */
  get readingPaused(): boolean {
    return this.paused;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
  }
}
