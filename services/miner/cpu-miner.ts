// CpuMiner: a small stratum v1 miner for demos and tests (`--demo-miner`). It connects to a worker
// port, subscribes and authorizes, mines every mining.notify job on worker threads (sha256d or
// scrypt), honours mining.set_difficulty (divided by the coin's 65536 scaling for scrypt coins)
// and client.reconnect, submits what meets the target, and counts. It reconnects on its own
// until stopped.
import { Worker } from 'node:worker_threads';
import { StratumConnection, type RpcReply } from './stratum-client.ts';
import { parseNotify, type NotifyJob } from './job.ts';
import { bitsToTarget, difficultyToTarget, targetToLE, type PowAlgorithm } from './pow.ts';
import type { WorkItem, WorkerReport } from './hash-worker.ts';

export interface CpuMinerOptions {
  host?: string;
  port: number;
  /** Payout address, optionally with .worker, /SHAREDIFF, +PSEUDODIFF (docs/protocol.md §8.4). */
  username: string;
  password?: string;
  algorithm: PowAlgorithm;
  /** Stratum difficulty scaling: 65536 for scrypt coins (DUMB_SCRYPT_DIFF), 1 for sha256d. Default by algorithm. */
  difficultyMultiplier?: number;
  /** Hashing threads (default 1). */
  threads?: number;
  /** Fraction of time each thread hashes, 0 < duty ≤ 1 (default 1): lets a demo leave the machine usable. */
  duty?: number;
  /**
   * Cap on hashes per second (all threads together; default none). On regtest every pseudoshare is a
   * block and shares are easy, so a demo miner should mine slowly: e.g. 20 H/s for a block every few seconds.
   */
  maxHashrate?: number;
  userAgent?: string;
  /**
   * Sent as mining.suggest_difficulty before authorizing: where the pool's vardiff starts (miner units).
   * Saves the ramp from a pool's very easy default, which on regtest means a flood of blocks.
   */
  suggestDifficulty?: number;
  /** Delay before reconnecting, doubled per failure up to maxReconnectMs. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  log?: (level: 'info' | 'warn', msg: string) => void;
}

export interface CpuMinerStats {
  connected: boolean;
  authorized: boolean;
  hashes: number;
  /** Hashes per second over the last ~10 s. */
  hashrate: number;
  difficulty: number;
  jobs: number;
  submitted: number;
  accepted: number;
  rejected: number;
  /** Rejections for a stale job (error 21) or answered false by a reference-style pool. */
  stale: number;
  /** Submitted solutions that also met the block target in the job's nbits. */
  blockCandidates: number;
  reconnects: number;
  lastError: string | null;
  rejectReasons: Record<string, number>;
}

export class CpuMiner {
  private readonly o: Required<Omit<CpuMinerOptions, 'log' | 'password' | 'host' | 'suggestDifficulty'>> & {
    host: string;
    password: string;
    log: CpuMinerOptions['log'];
    suggestDifficulty: number | undefined;
  };
  private conn: StratumConnection | null = null;
  private workers: Worker[] = [];
  private running = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Subscription id of the last connection, offered back on the next (session resumption). */
  private session = '';
  /** Asked to move by client.reconnect: the threads keep hashing the job they have, and what they find
   *  before the next connection is authorized goes out on it (the pool forwards it to the old edge). */
  private moving = false;
  private queued: unknown[][] = [];
  private backoff: number;
  private target: { host: string; port: number };
  private extranonce1 = Buffer.alloc(0);
  private extranonce2Size = 4;
  private difficulty = 1;
  private job: NotifyJob | null = null;
  private jobTarget = 0n;
  private gen = 0;
  private readonly rate: { t: number; n: number }[] = [];
  private readonly s: CpuMinerStats = {
    connected: false,
    authorized: false,
    hashes: 0,
    hashrate: 0,
    difficulty: 0,
    jobs: 0,
    submitted: 0,
    accepted: 0,
    rejected: 0,
    stale: 0,
    blockCandidates: 0,
    reconnects: 0,
    lastError: null,
    rejectReasons: {},
  };
  private readonly waiters: { pred: (s: CpuMinerStats) => boolean; resolve: () => void }[] = [];

  constructor(o: CpuMinerOptions) {
    this.o = {
      host: o.host ?? '127.0.0.1',
      port: o.port,
      username: o.username,
      password: o.password ?? 'x',
      algorithm: o.algorithm,
      difficultyMultiplier: o.difficultyMultiplier ?? (o.algorithm === 'scrypt' ? 65536 : 1),
      threads: Math.max(1, Math.floor(o.threads ?? 1)),
      duty: Math.min(1, Math.max(0.01, o.duty ?? 1)),
      maxHashrate: Math.max(0, o.maxHashrate ?? 0),
      userAgent: o.userAgent ?? 'p2pool-ts-cpu-miner/0.1',
      reconnectMs: o.reconnectMs ?? 1000,
      maxReconnectMs: o.maxReconnectMs ?? 30_000,
      log: o.log,
      suggestDifficulty: o.suggestDifficulty,
    };
    this.backoff = this.o.reconnectMs;
    this.target = { host: this.o.host, port: this.o.port };
  }

  /** Starts the threads and the connection; resolves once the first connection attempt is over. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < this.o.threads; i++) this.workers.push(this.spawnWorker());
    await this.connectOnce();
  }

  /** Stops mining and closes the connection. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.conn?.close();
    this.conn = null;
    const ws = this.workers;
    this.workers = [];
    await Promise.all(
      ws.map(
        (w) =>
          new Promise<void>((res) => {
            w.once('exit', () => res());
            w.postMessage({ type: 'stop' });
            setTimeout(() => {
              void w.terminate();
            }, 2000).unref();
          }),
      ),
    );
  }

  stats(): CpuMinerStats {
    this.s.hashrate = this.hashrate();
    return { ...this.s, rejectReasons: { ...this.s.rejectReasons } };
  }

  /** Resolves when `pred(stats)` holds (checked on every counter change). For demos and tests. */
  waitFor(pred: (s: CpuMinerStats) => boolean): Promise<void> {
    if (pred(this.stats())) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  // ---- connection ----

  private async connectOnce(): Promise<void> {
    const { host, port } = this.target;
    let conn: StratumConnection;
    try {
      conn = await StratumConnection.open(host, port);
    } catch (e) {
      this.note('warn', (e as Error).message);
      this.scheduleReconnect();
      return;
    }
    if (!this.running) {
      conn.close();
      return;
    }
    this.conn = conn;
    // Only the current connection's calls count: one being left after client.reconnect may still send
    // a difficulty or a job that is not ours to work on any more.
    conn.onCall = (m, p) => {
      if (this.conn === conn) this.onServerCall(m, p);
    };
    conn.onClose = (why) => {
      if (this.conn !== conn) return;
      this.conn = null;
      this.s.connected = this.s.authorized = false;
      this.idleWorkers();
      this.note('warn', `disconnected from ${host}:${port}: ${why}`);
      this.changed();
      this.scheduleReconnect();
    };
    try {
      const sub = await conn.request('mining.subscribe', this.session === '' ? [this.o.userAgent] : [this.o.userAgent, this.session]);
      if (sub.error) throw new Error(`mining.subscribe refused: ${sub.error.message}`);
      const r = sub.result as [unknown, string, number];
      if (!Array.isArray(r) || typeof r[1] !== 'string' || typeof r[2] !== 'number') throw new Error('mining.subscribe: unexpected result');
      this.extranonce1 = Buffer.from(r[1], 'hex');
      this.session = r[1];
      this.extranonce2Size = r[2];
      this.s.connected = true;
      if (this.o.suggestDifficulty !== undefined) {
        // Optional for the pool: an error here (a pool without the method) changes nothing.
        await conn.request('mining.suggest_difficulty', [this.o.suggestDifficulty]).catch(() => undefined);
      }
      const auth = await conn.request('mining.authorize', [this.o.username, this.o.password]);
      if (auth.error || auth.result === false) throw new Error(`mining.authorize refused: ${auth.error?.message ?? 'false'}`);
      this.s.authorized = true;
      this.backoff = this.o.reconnectMs;
      this.moving = false;
      const q = this.queued;
      this.queued = [];
      for (const params of q) this.send(conn, params);
      this.note('info', `mining on ${host}:${port} as ${this.o.username}`);
      this.changed();
    } catch (e) {
      this.note('warn', (e as Error).message);
      conn.close();
    }
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnectTimer) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.o.maxReconnectMs, this.backoff * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.s.reconnects++;
      void this.connectOnce();
    }, delay);
    this.reconnectTimer.unref();
  }

  private onServerCall(method: string, params: unknown[]): void {
    switch (method) {
      case 'mining.set_difficulty': {
        const d = Number(params[0]);
        if (d > 0 && Number.isFinite(d)) {
          this.difficulty = d;
          this.s.difficulty = d;
        }
        break; // applies from the next notify, which the pool sends right after
      }
      case 'mining.notify': {
        let job: NotifyJob;
        try {
          job = parseNotify(params);
        } catch (e) {
          this.note('warn', (e as Error).message);
          return;
        }
        this.job = job;
        this.s.jobs++;
        this.dispatch(job);
        this.changed();
        break;
      }
      case 'mining.set_extranonce': {
        if (typeof params[0] === 'string') this.extranonce1 = Buffer.from(params[0], 'hex');
        if (typeof params[1] === 'number') this.extranonce2Size = params[1];
        if (this.job) this.dispatch(this.job);
        break;
      }
      case 'client.reconnect': {
        // [host, port, wait]: go where we are told (an edge draining for a rollout), or back to the same address.
        const host = typeof params[0] === 'string' && params[0] !== '' ? params[0] : this.target.host;
        const port = Number(params[1]) > 0 ? Number(params[1]) : this.target.port;
        const wait = Math.max(0, Number(params[2]) || 0);
        this.target = { host, port };
        this.note('info', `pool asked to reconnect to ${host}:${port} in ${wait} s`);
        // The next connection first (after `wait`), the old one closed once its answers are in: the
        // threads keep hashing the current job, whose shares the pool still takes.
        const old = this.conn;
        this.conn = null;
        this.s.connected = this.s.authorized = false;
        this.moving = true;
        if (old) {
          const t0 = Date.now();
          const closeWhenAnswered = () => {
            if (old.inFlight === 0 || Date.now() - t0 > 2_000) old.close();
            else setTimeout(closeWhenAnswered, 20).unref();
          };
          closeWhenAnswered();
        }
        if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
        this.reconnectTimer = setTimeout(() => {
          this.reconnectTimer = null;
          this.s.reconnects++;
          void this.connectOnce();
        }, wait * 1000);
        this.reconnectTimer.unref();
        this.changed();
        break;
      }
      default:
        break;
    }
  }

  // ---- hashing ----

  private spawnWorker(): Worker {
    const w = new Worker(new URL('./hash-worker.ts', import.meta.url));
    w.on('message', (m: WorkerReport) => this.onWorker(m));
    w.on('error', (e) => {
      this.note('warn', `hash thread failed: ${e.message}`);
    });
    w.unref();
    return w;
  }

  private dispatch(job: NotifyJob): void {
    this.gen++;
    this.jobTarget = difficultyToTarget(this.difficulty, this.o.difficultyMultiplier);
    const n = this.workers.length;
    // Top byte of extranonce2 = this dispatch's generation, so a re-sent job never repeats work.
    const top = this.extranonce2Size >= 4 ? ((this.gen & 0xff) << 24) >>> 0 : 0;
    for (let i = 0; i < n; i++) {
      const item: WorkItem = {
        type: 'work',
        gen: this.gen,
        job,
        extranonce1: this.extranonce1,
        extranonce2Size: this.extranonce2Size,
        en2First: top + i,
        en2Step: n,
        targetLE: targetToLE(this.jobTarget),
        algorithm: this.o.algorithm,
        duty: this.o.duty,
        maxRate: this.o.maxHashrate / n,
      };
      this.workers[i]!.postMessage(item);
    }
  }

  private idleWorkers(): void {
    this.gen++;
    for (const w of this.workers) w.postMessage({ type: 'idle' });
  }

  private onWorker(m: WorkerReport): void {
    if (m.type === 'hashes') {
      this.s.hashes += m.n;
      const now = performance.now();
      this.rate.push({ t: now, n: m.n });
      while (this.rate.length > 0 && now - this.rate[0]!.t > 10_000) this.rate.shift();
      return;
    }
    if (m.gen !== this.gen || this.job === null || m.jobId !== this.job.jobId) return;
    const job = this.job;
    if (BigInt('0x' + m.hash) <= bitsToTarget(job.bits)) this.s.blockCandidates++;
    const nonceHex = (m.nonce >>> 0).toString(16).padStart(8, '0');
    const params = [this.o.username, job.jobId, m.extranonce2, job.ntimeHex, nonceHex];
    if (this.conn === null || !this.s.authorized) {
      if (this.moving && this.queued.length < 256) this.queued.push(params);
      return;
    }
    this.send(this.conn, params);
  }

  private send(conn: StratumConnection, params: unknown[]): void {
    this.s.submitted++;
    conn.request('mining.submit', params).then(
      (r) => this.onSubmitReply(r),
      (e: Error) => {
        this.s.lastError = e.message;
        this.changed();
      },
    );
  }

  private onSubmitReply(r: RpcReply): void {
    if (r.error === null && r.result !== false) this.s.accepted++;
    else {
      // A reference-style pool answers false for work that went stale; this edge answers error 21.
      if (r.error === null || r.error.code === 21) this.s.stale++;
      else this.s.rejected++;
      const why = r.error ? `${r.error.code} ${r.error.message}` : 'false';
      this.s.rejectReasons[why] = (this.s.rejectReasons[why] ?? 0) + 1;
      this.s.lastError = why;
    }
    this.changed();
  }

  private hashrate(): number {
    const now = performance.now();
    while (this.rate.length > 0 && now - this.rate[0]!.t > 10_000) this.rate.shift();
    if (this.rate.length === 0) return 0;
    const span = Math.max(1000, now - this.rate[0]!.t);
    let n = 0;
    for (const x of this.rate) n += x.n;
    return n / (span / 1000);
  }

  private changed(): void {
    if (this.waiters.length === 0) return;
    const s = this.stats();
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.pred(s)) {
        this.waiters[i]!.resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  private note(level: 'info' | 'warn', msg: string): void {
    if (level === 'warn') this.s.lastError = msg;
    this.o.log?.(level, msg);
  }
}
