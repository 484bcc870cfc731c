// EdgeServer: the miner edge as one object a shell can host (embedded or as its own process).
// It owns the worker-port listener, the stratum sessions, the getwork/HTTP front, the job
// registry, the extranonce space of this edge and the local miner stats, and it reacts to
// WorkSource new-work events by fanning jobs out to every connection.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
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
import type { HandoverLink } from './handover/link.ts';
import type { MinerDifficultyBook } from './handover/miner-difficulty.ts';
import { DepartedSessions } from './handover/departed.ts';
import { newJobTag } from './handover/job-tag.ts';
import { answerForeignSubmit } from './handover/foreign-submit.ts';
import type { Closer } from '../bus/types.ts';

export interface EdgeServerOptions {
  config?: Partial<EdgeConfig>;
  workSource: WorkSource;
  shareSink: ShareSink;
  /** Handles HTTP GETs on the worker port that are not getwork (the web service). */
  webHandler?: WebHandler | null;
  /** The other edges (submits on their jobs, theirs on ours); null/absent: this edge is alone. */
  handover?: HandoverLink | null;
  /** Miners' difficulty shared with the other edges; absent: vardiff starts afresh per connection. */
  difficulties?: MinerDifficultyBook | null;
}

export interface DrainOptions {
  reconnectHost?: string;
  reconnectPort?: number;
  waitSeconds?: number;
  /** client.reconnect goes out to the miners spread over this many ms; 0/undefined = config.drainWindowMs. */
  windowMs?: number;
  /** After the window, wait this long at most for the last miners to leave, then close; 0/undefined = config.drainGraceMs. */
  deadlineMs?: number;
}

export interface DrainResult {
  connectionsBefore: number;
  connectionsRemaining: number;
  reconnectsSent: number;
  ms: number;
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
  private handoverServer: Closer | null = null;
  private drained: Promise<DrainResult> | null = null;
  private lastHandedBackAt = 0;
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
    const jobTag = newJobTag(config.extranoncePrefix.value);
    this.ctx = {
      config,
      jobs: new JobRegistry(config.extranonce1Size, config.extranonce2Size, undefined, jobTag),
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
      jobTag,
      handover: opts.handover ?? null,
      difficulties: opts.difficulties ?? null,
      departed: new DepartedSessions(config.drainWindowMs + config.drainGraceMs + 60_000),
    };
    this.http = new HttpFront(this.ctx, opts.webHandler ?? null);
    this.listener = new WorkerPortListener(
      {
        stratum: (socket, first) => this.adoptStratum(socket, first),
        http: (socket) => this.http.adopt(socket),
      },
      config.keepAliveMs,
    );
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
    if (this.ctx.handover !== null) {
      this.handoverServer = await this.ctx.handover.serve(this.ctx.jobTag, (req) => {
        this.lastHandedBackAt = Date.now();
        return answerForeignSubmit(this.ctx, req);
      });
    }
    this.boundPort = await this.listener.listen(this.config.port, this.config.host);
    this.sweeper = setInterval(() => this.sweep(Date.now()), this.config.sweepIntervalMs);
    this.sweeper.unref();
    return this.boundPort;
  }

  /**
   * Graceful drain for rollouts (docs/rollout.md): stop accepting, tell the stratum miners to
   * reconnect (client.reconnect, so the load balancer sends them to another edge) spread over the
   * drain window, keep answering submits for the work this edge issued — on its own connections and
   * forwarded by the edges the miners moved to — until the window and a short linger are over, then
   * close what is left. Each miner's difficulty is written to the shared store first. Without a
   * host the call has no params (cgminer-family firmware refuses a reconnect to another host).
   * A second call returns the first one's result.
   */
  drain(opts: DrainOptions = {}): Promise<DrainResult> {
    this.drained ??= this.runDrain(opts);
    return this.drained;
  }

  private async runDrain(opts: DrainOptions): Promise<DrainResult> {
    const t0 = Date.now();
    const before = this.sessions.size;
    this.ctx.draining = true;
    void this.listener.stopAccepting();
    const r = opts.reconnectHost
      ? { host: opts.reconnectHost, port: opts.reconnectPort ?? this.boundPort, waitSeconds: opts.waitSeconds ?? 0 }
      : this.config.reconnectTo;
    const line = Buffer.from(encodeCall('client.reconnect', r === null ? [] : [r.host, r.port, r.waitSeconds]));
    const users: string[] = [];
    for (const s of this.sessions) if (s.users !== null) users.push(...s.users.keys());
    const flushed = this.ctx.difficulties?.flush(users);
    if (flushed) await Promise.race([flushed, sleep(1_000)]);
    this.http.onNewWork();
    const windowMs = opts.windowMs || this.config.drainWindowMs;
    const queue = [...this.sessions];
    let sent = 0;
    while (sent < queue.length) {
      // Miner i goes at i·window/n: the others take the moving miners a few at a time.
      const due = Math.min(queue.length, Math.floor(((Date.now() - t0) / windowMs) * queue.length) + 1);
      for (; sent < due; sent++) {
        const s = queue[sent]!;
        if (s.closed) continue;
        // Known as departed from now: a miner may open its next connection before closing this one.
        if (s.en1 !== null && s.users !== null)
          this.ctx.departed.add(s.users.keys(), { en1: s.en1, versionMask: s.versionMask, vardiff: s.vardiff, at: Date.now() });
        // No more work for it here: a miner that keeps this connection open a moment must not take it.
        s.leaving = true;
        s.write(line);
        this.ctx.counters.reconnectsSent++;
      }
      if (sent < queue.length) await sleep(Math.min(50, Math.max(1, windowMs / queue.length)));
    }
    // Then the last miners leave, and their work in flight comes back forwarded by the edges they moved
    // to: stay while either goes on (at least 1.5 s, at most twice the grace), so that work finds its job.
    const grace = opts.deadlineMs || this.config.drainGraceMs;
    const end = Date.now();
    const lingerUntil = end + Math.min(1_500, grace);
    const deadline = end + grace;
    const quietMs = 2_000;
    for (;;) {
      const now = Date.now();
      if (now >= end + 2 * grace) break;
      const leaving = this.sessions.size > 0 && now < deadline;
      const forwarded = now - this.lastHandedBackAt < quietMs;
      if (!leaving && !forwarded && now >= lingerUntil) break;
      await sleep(50);
    }
    const remaining = this.sessions.size;
    await this.stop();
    return {
      connectionsBefore: before,
      connectionsRemaining: remaining,
      reconnectsSent: this.ctx.counters.reconnectsSent,
      ms: Date.now() - t0,
    };
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
    if (this.sweeper !== null) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.handoverServer?.close().catch(() => undefined);
    this.handoverServer = null;
    const closed = this.listener.stopAccepting();
    for (const s of this.sessions) s.close();
    for (const sock of this.listener.unsniffed.keys()) sock.destroy();
    this.http.server.closeAllConnections();
    this.http.getwork.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise((res) => {
        timer = setTimeout(res, 2000);
      }),
    ]);
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
    socket.on('error', () => {
      /* 'close' follows */
    });
    socket.once('close', () => {
      s.closed = true;
      this.sessions.delete(s);
      // Its in-flight shares may come back through the edge it moves to (handover/foreign-submit.ts).
      if (s.en1 !== null && s.users !== null)
        this.ctx.departed.add(s.users.keys(), { en1: s.en1, versionMask: s.versionMask, vardiff: s.vardiff, at: Date.now() });
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
      if (now - at > cfg.handshakeTimeoutMs) {
        this.listener.unsniffed.delete(sock);
        sock.destroy();
      }
    }
    for (const s of this.sessions) {
      if (s.closed) continue;
      if (s.identity === null && now - s.connectedAt > cfg.handshakeTimeoutMs) {
        this.ctx.counters.droppedSlow++;
        s.close();
        continue;
      }
      // A line cut by our own backpressure pause is not a slow-loris sender.
      if (!s.readingPaused && s.framer.partialSince !== 0 && now - s.framer.partialSince > cfg.partialLineTimeoutMs) {
        this.ctx.counters.droppedSlow++;
        s.close();
        continue;
      }
      if (now - s.lastRecvAt > cfg.idleTimeoutMs) {
        this.ctx.counters.droppedIdle++;
        s.close();
        continue;
      }
      if (s.vardiff?.onIdle(now)) sendWork(this.ctx, s, false);
    }
    this.ctx.jobs.sweep(now, cfg.jobLifetimeMs, cfg.staleJobKeepMs);
    this.ctx.departed.sweep(now);
    this.http.getwork.sweep(now);
    this.http.longPolls.sweep(now, 3_600_000);
  }
}
