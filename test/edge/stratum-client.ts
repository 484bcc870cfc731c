// A small stratum v1 miner for tests, written from the protocol description (docs/protocol.md §8.3), not
// from the edge's code: its header and target math are its own, so it checks the server
// rather than agreeing with it by construction. Reusable by end-to-end tests.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { createHash, scryptSync } from 'node:crypto';

export interface RpcReply {
  id: number | string | null;
  result: unknown;
  error: { code: number; message: string } | null;
  /** The error exactly as it came on the wire (stratum v1: `[code, "message", traceback]`). */
  wireError?: unknown;
}

export interface ServerCall {
  method: string;
  params: unknown[];
}

export interface NotifyJob {
  jobId: string;
  prevhash: string;
  coinb1: string;
  coinb2: string;
  branch: string[];
  version: string;
  nbits: string;
  ntime: string;
  clean: boolean;
}

function dsha(b: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
}

/** Word-wise byte swap of a hex string (each 8 hex digits reversed by byte). */
function wordSwapHex(hex: string): Buffer {
  const b = Buffer.from(hex, 'hex');
  for (let i = 0; i < b.length; i += 4) {
    const w = b.readUInt32BE(i);
    b.writeUInt32LE(w, i);
  }
  return b;
}

export class StratumTestClient {
  readonly socket: Socket;
  private buf = '';
  private nextId = 1;
  private readonly waiting = new Map<number | string, (r: RpcReply) => void>();
  readonly calls: ServerCall[] = [];
  readonly replies: RpcReply[] = [];
  private callWaiters: Array<{ pred: (c: ServerCall) => boolean; resolve: (c: ServerCall) => void }> = [];
  /** 'scrypt' for Litecoin-family edges: scrypt(N=1024, r=1, p=1) of the header. */
  pow: 'sha256d' | 'scrypt' = 'sha256d';
  /** The coin's DUMB_SCRYPT_DIFF: stratum difficulties are scaled by it. */
  difficultyMultiplier = 1;
  extranonce1 = '';
  extranonce2Size = 0;
  difficulty = 0;
  job: NotifyJob | null = null;
  closed = false;
  readonly closedPromise: Promise<void>;
  /** Raw text received, for tests that look at exact bytes. */
  raw = '';

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => this.onData(d));
    socket.on('error', () => {});
    this.closedPromise = new Promise((res) =>
      socket.once('close', () => {
        this.closed = true;
        res();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<StratumTestClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => {
        s.removeListener('error', reject);
        resolve(new StratumTestClient(s));
      });
      s.once('error', reject);
    });
  }

  private onData(d: string): void {
    this.raw += d;
    this.buf += d;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (line.trim() === '') continue;
      const msg = JSON.parse(line);
      if (typeof msg.method === 'string') this.onCall({ method: msg.method, params: msg.params ?? [] });
      else {
        const w0 = msg.error ?? null;
        const error = Array.isArray(w0) ? { code: Number(w0[0]), message: String(w0[1]) } : w0;
        const r: RpcReply =
          w0 === null ? { id: msg.id, result: msg.result, error } : { id: msg.id, result: msg.result, error, wireError: w0 };
        this.replies.push(r);
        const w = this.waiting.get(msg.id);
        if (w) {
          this.waiting.delete(msg.id);
          w(r);
        }
      }
    }
  }

  private onCall(c: ServerCall): void {
    this.calls.push(c);
    if (c.method === 'mining.set_difficulty') this.difficulty = Number(c.params[0]);
    if (c.method === 'mining.notify') {
      const p = c.params as [string, string, string, string, string[], string, string, string, boolean];
      this.job = {
        jobId: p[0],
        prevhash: p[1],
        coinb1: p[2],
        coinb2: p[3],
        branch: p[4],
        version: p[5],
        nbits: p[6],
        ntime: p[7],
        clean: p[8],
      };
    }
    const still: typeof this.callWaiters = [];
    for (const w of this.callWaiters) {
      if (w.pred(c)) w.resolve(c);
      else still.push(w);
    }
    this.callWaiters = still;
  }

  /** Resolves with the next server call matching `method` (and pred) received from now on. */
  nextCall(method: string, pred: (c: ServerCall) => boolean = () => true, timeoutMs = 5000): Promise<ServerCall> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
      this.callWaiters.push({
        pred: (c) => c.method === method && pred(c),
        resolve: (c) => {
          clearTimeout(t);
          resolve(c);
        },
      });
    });
  }

  request(method: string, params: unknown[] = [], timeoutMs = 5000): Promise<RpcReply> {
    const id = this.nextId++;
    return this.requestWithId(id, method, params, timeoutMs);
  }

  requestWithId(id: number | string, method: string, params: unknown[], timeoutMs = 5000): Promise<RpcReply> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no reply to ${method}`));
      }, timeoutMs);
      this.waiting.set(id, (r) => {
        clearTimeout(t);
        resolve(r);
      });
      this.socket.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  writeRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  async subscribe(agent = 'test-miner/1.0', session?: string): Promise<RpcReply> {
    const notified = this.nextCall('mining.notify').catch(() => null);
    const r = await this.request('mining.subscribe', session === undefined ? [agent] : [agent, session]);
    const res = r.result as [unknown, string, number];
    this.extranonce1 = res[1];
    this.extranonce2Size = res[2];
    void notified;
    return r;
  }

  /** Authorizes and waits for the first notify (when the server has work). */
  async authorize(user: string, pass = 'x', waitForJob = true): Promise<RpcReply> {
    const notified = waitForJob ? this.nextCall('mining.notify') : null;
    const r = await this.request('mining.authorize', [user, pass]);
    if (waitForJob && r.error === null) await notified;
    return r;
  }

  /** The 80-byte header for a job and a solution attempt. */
  header(job: NotifyJob, extranonce2: string, ntime: string, nonce: number, versionBits?: string): Buffer {
    const coinbase = Buffer.from(job.coinb1 + this.extranonce1 + extranonce2 + job.coinb2, 'hex');
    let root = dsha(coinbase);
    for (const h of job.branch) root = dsha(Buffer.concat([root, Buffer.from(h, 'hex')]));
    let version = parseInt(job.version, 16) >>> 0;
    if (versionBits !== undefined) version = ((version & ~0x1fffe000) | (parseInt(versionBits, 16) & 0x1fffe000)) >>> 0;
    const h = Buffer.alloc(80);
    h.writeUInt32LE(version, 0);
    wordSwapHex(job.prevhash).copy(h, 4);
    root.copy(h, 36);
    h.writeUInt32LE(parseInt(ntime, 16) >>> 0, 68);
    h.writeUInt32LE(parseInt(job.nbits, 16) >>> 0, 72);
    h.writeUInt32LE(nonce >>> 0, 76);
    return h;
  }

  /** Target for a stratum difficulty: (0xffff · 2^208) / (difficulty / multiplier). */
  static targetFor(difficulty: number, multiplier = 1): bigint {
    const scale = 2 ** 40;
    return ((0xffffn << 208n) * BigInt(scale)) / BigInt(Math.round((difficulty / multiplier) * scale));
  }

  static hashValue(header: Buffer, pow: 'sha256d' | 'scrypt' = 'sha256d'): bigint {
    const h = pow === 'scrypt' ? scryptSync(header, header, 32, { N: 1024, r: 1, p: 1 }) : dsha(header);
    return BigInt('0x' + Buffer.from(h).reverse().toString('hex'));
  }

  /**
   * Searches nonces from `startNonce` for one whose hash meets (want=true) or misses (want=false)
   * the target of `difficulty`; returns the submit params.
   */
  solve(opts: {
    extranonce2: string;
    difficulty?: number;
    want?: boolean;
    ntime?: string;
    versionBits?: string;
    startNonce?: number;
    worker?: string;
    job?: NotifyJob;
  }): unknown[] {
    const job = opts.job ?? this.job;
    if (job === null) throw new Error('no job');
    const target = StratumTestClient.targetFor(opts.difficulty ?? this.difficulty, this.difficultyMultiplier);
    const ntime = opts.ntime ?? job.ntime;
    const want = opts.want ?? true;
    for (let n = opts.startNonce ?? 0; n < 0xffffffff; n++) {
      const ok = StratumTestClient.hashValue(this.header(job, opts.extranonce2, ntime, n, opts.versionBits), this.pow) <= target;
      if (ok === want) {
        const nonceHex = n.toString(16).padStart(8, '0');
        const p: unknown[] = [opts.worker ?? 'worker', job.jobId, opts.extranonce2, ntime, nonceHex];
        if (opts.versionBits !== undefined) p.push(opts.versionBits);
        return p;
      }
    }
    throw new Error('nonce space exhausted');
  }

  submit(params: unknown[]): Promise<RpcReply> {
    return this.request('mining.submit', params);
  }

  close(): Promise<void> {
    this.socket.end();
    this.socket.destroy();
    return this.closedPromise;
  }
}
