// EdgeServer: the miner edge as one object a shell can host (embedded or as its own process).
// It owns the worker-port listener, the stratum sessions, the getwork/HTTP front, the job
// registry, the extranonce space of this edge and the local miner stats, and it reacts to
// WorkSource new-work events by fanning jobs out to every connection.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { resolveConfig } from './config.ts';
import type { EdgeConfig } from './config.ts';
import type { EdgeContext } from './edge-context.ts';
import { minerDifficultyToTarget, newCounters } from './edge-context.ts';
import type { NewWorkEvent, ShareSink, WorkSource } from './work-source.ts';
import { JobRegistry } from './work/jobs.ts';
import { ExtranonceAllocator } from './work/extranonce.ts';
import { StatsBook } from './miners/stats.ts';
import { COIN_NETWORKS, NetworkAddressValidator } from './miners/address.ts';
import { CoreAddressValidator, parentNetwork } from './core-params.ts';
import { WorkerPortListener } from './listener.ts';
import { StratumSession } from './stratum/session.ts';
import { fanOut, leaveGroup, sendWork } from './stratum/work-dispatch.ts';
import { HttpFront } from './getwork/http-front.ts';
import type { WebHandler } from './getwork/http-front.ts';
import { encodeCall } from './codec/jsonrpc.ts';

export interface EdgeServerOptions {
  config?: Partial<EdgeConfig>;
  workSource: WorkSource;
  shareSink: ShareSink;
  /** Handles HTTP GETs on the worker port that are not getwork (the web service). */
  webHandler?: WebHandler | null;
}

export interface DrainOptions {
  reconnectHost?: string;
  reconnectPort?: number;
  waitSeconds?: number;
  /** Close whatever is left after this long (ms); 0/undefined = config.drainGraceMs. */
  deadlineMs?: number;
}

export interface FanOutRecord {
  workId: number;
  sessions: number;
  /** Time to build the jobs and hand every notify to the kernel/socket buffers. */
  ms: number;
}

export class EdgeServer {
  readonly config: EdgeConfig;
  readonly ctx: EdgeContext;
  readonly http: HttpFront;
  private readonly listener: WorkerPortListener;
  private readonly sessions = new Set<StratumSession>();
  private sweeper: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private boundPort = 0;
  lastFanOut: FanOutRecord | null = null;
  /** Observers of fan-out timing (benchmarks, metrics). */
  onFanOut: ((r: FanOutRecord) => void) | null = null;

  constructor(opts: EdgeServerOptions) {
    const config = resolveConfig(opts.config);
    if (opts.config?.addressValidator === undefined) {
      // Prefer the core's decoder (what the core can pay); bitcoinjs-lib for coins it lacks.
      const parent = parentNetwork(config.coin);
      if (parent !== undefined) config.addressValidator = new CoreAddressValidator(parent);
      else if (COIN_NETWORKS[config.coin] !== undefined) config.addressValidator = new NetworkAddressValidator(config.coin);
    }
    this.config = config;
    this.ctx = {
      config,
      jobs: new JobRegistry(config.extranonce1Size, config.extranonce2Size),
      extranonce: new ExtranonceAllocator(config.extranonce1Size, config.extranoncePrefix, Math.floor(Math.random() * 2 ** 16)),
      work: opts.workSource,
      sink: opts.shareSink,
      stats: new StatsBook(),
      counters: newCounters(),
      groups: new Map(),
      workId: -1,
      prevHashHex: '',
      minTarget: minerDifficultyToTarget(config, config.maxDifficulty),
      maxTarget: minerDifficultyToTarget(config, config.minDifficulty),
      draining: false,
    };
    this.http = new HttpFront(this.ctx, opts.webHandler ?? null);
    this.listener = new WorkerPortListener({
      stratum: (socket, first) => this.adoptStratum(socket, first),
      http: (socket) => this.http.adopt(socket),
    }, config.keepAliveMs);
  }

  get port(): number {
    return this.boundPort;
  }

  get stratumConnections(): number {
    return this.sessions.size;
  }

  /** Binds the worker port (config.port; 0 = any free port) and starts the sweeper. */
  async start(): Promise<number> {
    this.unsubscribe = this.ctx.work.onNewWork((ev) => this.newWork(ev));
    this.boundPort = await this.listener.listen(this.config.port, this.config.host);
    this.sweeper = setInterval(() => this.sweep(Date.now()), this.config.sweepIntervalMs);
    this.sweeper.unref();
    return this.boundPort;
  }

  /**
   * Graceful drain for rollouts: stop accepting, tell every stratum miner to reconnect
   * (client.reconnect, so the load balancer sends it to another edge), answer parked long
   * polls, wait until the miners have left or the deadline passes, then close the rest.
   * Omitted options fall back to config.reconnectTo / config.drainGraceMs; without a host the
   * call has no params, which miners read as "reconnect to the same address".
   */
  async drain(opts: DrainOptions = {}): Promise<{ connectionsBefore: number; connectionsRemaining: number }> {
    const before = this.sessions.size;
    this.ctx.draining = true;
    void this.listener.stopAccepting();
    const r = opts.reconnectHost ? { host: opts.reconnectHost, port: opts.reconnectPort ?? this.boundPort, waitSeconds: opts.waitSeconds ?? 0 } : this.config.reconnectTo;
    const line = Buffer.from(encodeCall('client.reconnect', r === null ? [] : [r.host, r.port, r.waitSeconds]));
    for (const s of this.sessions) s.write(line);
    this.http.onNewWork();
    const deadline = Date.now() + (opts.deadlineMs || this.config.drainGraceMs);
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    const remaining = this.sessions.size;
    await this.stop();
    return { connectionsBefore: before, connectionsRemaining: remaining };
  }

  get draining(): boolean {
    return this.ctx.draining;
  }

  /** Live stratum sessions (read-only use: stats). */
  sessionsView(): Iterable<StratumSession> {
    return this.sessions;
  }

  /** Closes everything now. */
  async stop(): Promise<void> {
    if (this.sweeper !== null) { clearInterval(this.sweeper); this.sweeper = null; }
    this.unsubscribe?.();
    this.unsubscribe = null;
    const closed = this.listener.stopAccepting();
    for (const s of this.sessions) s.close();
    for (const sock of this.listener.unsniffed.keys()) sock.destroy();
    this.http.server.closeAllConnections();
    this.http.getwork.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((res) => { timer = setTimeout(res, 2000); })]);
    clearTimeout(timer);
  }

  /** Local stats for the web layer and metrics. */
  snapshot() {
    const now = Date.now();
    let authorized = 0;
    for (const s of this.sessions) if (s.identity !== null) authorized++;
    return {
      stratumConnections: this.sessions.size,
      authorized,
      workGroups: this.ctx.groups.size,
      jobs: this.ctx.jobs.size,
      extranonceLive: this.ctx.extranonce.liveCount,
      getworkOutstanding: this.http.getwork.outstanding,
      longPollsWaiting: this.http.longPolls.waiting,
      workId: this.ctx.workId,
      counters: { ...this.ctx.counters },
      lastFanOut: this.lastFanOut,
      ...this.ctx.stats.snapshot(now),
    };
  }

  private adoptStratum(socket: Socket, first: Buffer): void {
    const s = new StratumSession(socket, this.ctx, Date.now());
    this.sessions.add(s);
    socket.on('data', (chunk: Buffer) => s.receive(chunk));
    socket.on('error', () => { /* 'close' follows */ });
    socket.once('close', () => {
      s.closed = true;
      this.sessions.delete(s);
      leaveGroup(this.ctx, s);
      if (s.en1 !== null) this.ctx.extranonce.release(s.en1);
    });
    s.receive(first);
  }

  private newWork(ev: NewWorkEvent): void {
    const ctx = this.ctx;
    const now = Date.now();
    const hex = ev.prevHash.toString('hex');
    const newBlock = ev.newBlock || (ctx.prevHashHex !== '' && hex !== ctx.prevHashHex);
    ctx.workId = ev.workId;
    ctx.prevHashHex = hex;
    ctx.jobs.newEpoch(hex, newBlock, now);
    const t0 = performance.now();
    const sessions = fanOut(ctx);
    this.lastFanOut = { workId: ev.workId, sessions, ms: performance.now() - t0 };
    this.onFanOut?.(this.lastFanOut);
    this.http.onNewWork();
  }

  private sweep(now: number): void {
    const cfg = this.config;
    for (const [sock, at] of this.listener.unsniffed) {
      if (now - at > cfg.handshakeTimeoutMs) { this.listener.unsniffed.delete(sock); sock.destroy(); }
    }
    for (const s of this.sessions) {
      if (s.closed) continue;
      if (s.identity === null && now - s.connectedAt > cfg.handshakeTimeoutMs) {
        this.ctx.counters.droppedSlow++; s.close(); continue;
      }
      if (s.framer.partialSince !== 0 && now - s.framer.partialSince > cfg.partialLineTimeoutMs) {
        this.ctx.counters.droppedSlow++; s.close(); continue;
      }
      if (now - s.lastRecvAt > cfg.idleTimeoutMs) {
        this.ctx.counters.droppedIdle++; s.close(); continue;
      }
      if (s.vardiff?.onIdle(now)) sendWork(this.ctx, s, false);
    }
    this.ctx.jobs.sweep(now, cfg.jobLifetimeMs, cfg.staleJobKeepMs);
    this.http.getwork.sweep(now);
    this.http.longPolls.sweep(now, 3_600_000);
  }
}
