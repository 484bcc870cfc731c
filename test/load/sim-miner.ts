// A simulated stratum v1 miner for load and roll tests: it really hashes (sha256d or scrypt, at a set rate, in
// small slices on the event loop), submits what meets its difficulty, and behaves on client.reconnect
// the way good firmware does: it reconnects at once to the same address (the Service), offers its
// session id back, keeps hashing the job it has and sends the shares found meanwhile over the new
// connection. It measures, from its own side, everything a roll may cost it (see MinerRecord).
import { connect, type Socket } from 'node:net';
import { hash, scryptSync } from 'node:crypto';

export interface SimMinerOptions {
  host: string;
  port: number;
  username: string;
  /** Hashes per second this miner does (really computed). */
  hashrate: number;
  /** Proof of work: sha256d (Bitcoin, default) or scrypt (Litecoin; stratum difficulty then counts 65536 diff-1 units). */
  algorithm?: 'sha256d' | 'scrypt';
  /** A solution at or under this target is a P2Pool share: the miner keeps those it was told were accepted. */
  shareTarget: bigint;
  userAgent?: string;
  /**
   * After a reconnect, the old job keeps being hashed this long after the new job arrived, as an
   * ASIC's queue of work does: those shares reach the new edge for the old edge's job (default 0).
   */
  workQueueMs?: number;
  /** Keep the header hash of every accepted submit (MinerRecord.acceptedHeaders). */
  recordAccepted?: boolean;
}

/** Everything the miner saw, for the roll's figures. */
export interface MinerRecord {
  username: string;
  submits: number;
  accepted: number;
  /** Rejected with "Stale share (job is from a previous block)": caused by a new block, not by the roll. */
  staleNewBlock: number;
  /** Any other rejection, by "code message". */
  rejected: Record<string, number>;
  /** Accepted solutions that met the share target (PoW hash, 64 hex, display order). */
  acceptedShares: string[];
  /** Every accepted solution's header hash (sha256d, 64 hex, display order: a share's hash), when recordAccepted is set. */
  acceptedHeaders: string[];
  /** Submits that never got an answer (connection lost with them in flight). */
  unanswered: number;
  /** Intervals (ms) without usable work: from losing a connection to the first job on the next one. */
  gapsMs: number[];
  reconnects: number;
  /** Stratum difficulty last set before each reconnect and first set after it. */
  difficultyBefore: number[];
  difficultyAfter: number[];
  sessionsResumed: number;
}

interface Job {
  id: string;
  /** 76-byte header prefix minus the merkle root is rebuilt per extranonce2; these are its parts. */
  prevhash: Buffer;
  coinb1: string;
  coinb2: string;
  branch: Buffer[];
  version: number;
  nbits: number;
  ntime: number;
  ntimeHex: string;
  /** The extranonce1 of the connection the job came on: the coinbase is built with it. */
  en1: string;
}

interface Pending {
  params: unknown[];
  share: string | null;
  /** The header's sha256d (display hex) when recordAccepted is set. */
  header?: string;
  sock?: Socket | null;
}

const dsha = (b: Buffer): Buffer => hash('sha256', hash('sha256', b, 'buffer'), 'buffer');
// Litecoin's scrypt(N=1024, r=1, p=1) with the header as password and salt.
const SCRYPT = { N: 1024, r: 1, p: 1 };
const scrypt = (b: Buffer): Buffer => scryptSync(b, b, 32, SCRYPT);

/** The hash (internal order) read as a 256-bit number is at most the target (32 bytes big-endian): no bigint per hash. */
function meets(h: Buffer, targetBE: Buffer): boolean {
  for (let i = 0; i < 32; i++) {
    const a = h[31 - i]!,
      b = targetBE[i]!;
    if (a !== b) return a < b;
  }
  return true;
}

const toBE = (t: bigint): Buffer => Buffer.from(t.toString(16).padStart(64, '0'), 'hex');
const DIFF1 = 0xffffn << 208n;

function swap4(hex: string): Buffer {
  const b = Buffer.from(hex, 'hex');
  for (let i = 0; i < b.length; i += 4) b.writeUInt32LE(b.readUInt32BE(i), i);
  return b;
}

/** Stratum difficulty → target; `multiplier` 65536 for scrypt coins (their difficulty 1 is 65536× easier). */
export function targetForDifficulty(d: number, multiplier = 1): bigint {
  const scale = 2 ** 40;
  return (DIFF1 * BigInt(multiplier) * BigInt(scale)) / BigInt(Math.max(1, Math.round(d * scale)));
}

export class SimMiner {
  readonly o: SimMinerOptions;
  readonly record: MinerRecord;
  private sock: Socket | null = null;
  private nextId = 1;
  private readonly inflight = new Map<number, Pending>();
  private queued: Pending[] = [];
  private en1 = '';
  private en2Size = 4;
  private en2 = 0;
  private difficulty = 0;
  private target = 0n;
  private targetBE: Buffer = Buffer.alloc(32);
  private job: Job | null = null;
  private nextJob: Job | null = null;
  private switchAt = 0;
  /** Header under construction: bytes 0..75 fixed per (job, extranonce2, en1), nonce at 76. */
  private header = Buffer.alloc(80);
  private headerEn2 = '';
  private nonce = 0;
  private authorized = false;
  private running = false;
  /** When the miner lost its last connection (0 = has one). */
  private lostAt = 0;
  // A random start, so miners far below one hash a second do not all hash at the same moment.
  private budget = Math.random();
  private readonly pow: (header: Buffer) => Buffer;
  private readonly multiplier: number;

  constructor(o: SimMinerOptions) {
    this.o = o;
    this.pow = o.algorithm === 'scrypt' ? scrypt : dsha;
    this.multiplier = o.algorithm === 'scrypt' ? 65536 : 1;
    this.record = {
      username: o.username,
      submits: 0,
      accepted: 0,
      staleNewBlock: 0,
      rejected: {},
      acceptedShares: [],
      acceptedHeaders: [],
      unanswered: 0,
      gapsMs: [],
      reconnects: 0,
      difficultyBefore: [],
      difficultyAfter: [],
      sessionsResumed: 0,
    };
  }

  get connected(): boolean {
    return this.authorized;
  }

  get hasWork(): boolean {
    return this.job !== null && this.authorized;
  }

  get outstanding(): number {
    return this.inflight.size + this.queued.length;
  }

  start(): void {
    this.running = true;
    this.open();
  }

  /** Stops hashing and closes; answers still in flight count as unanswered. */
  stop(): void {
    this.running = false;
    const s = this.sock;
    this.sock = null;
    s?.destroy();
  }

  /** Hashes `n` attempts on the current job (called by the generator's ticker). */
  hash(seconds: number): void {
    if (this.nextJob !== null && performance.now() >= this.switchAt) {
      this.job = this.nextJob;
      this.nextJob = null;
      this.headerEn2 = '';
    }
    if (!this.running || this.job === null || this.target === 0n) return;
    this.budget += this.o.hashrate * seconds;
    const job = this.job;
    while (this.budget >= 1) {
      this.budget--;
      if (this.headerEn2 === '' || this.nonce > 0xffffffff) this.nextExtranonce2(job);
      this.header.writeUInt32LE(this.nonce >>> 0, 76);
      const h = this.pow(this.header);
      if (meets(h, this.targetBE)) {
        const value = BigInt('0x' + Buffer.from(h).reverse().toString('hex'));
        const nonceHex = (this.nonce >>> 0).toString(16).padStart(8, '0');
        const share = value <= this.o.shareTarget ? value.toString(16).padStart(64, '0') : null;
        const header = this.o.recordAccepted ? Buffer.from(dsha(this.header)).reverse().toString('hex') : undefined;
        this.submit({ params: [this.o.username, job.id, this.headerEn2, job.ntimeHex, nonceHex], share, header });
      }
      this.nonce++;
    }
  }

  private nextExtranonce2(job: Job): void {
    this.en2 = (this.en2 + 1) >>> 0;
    this.headerEn2 = this.en2
      .toString(16)
      .padStart(2 * this.en2Size, '0')
      .slice(-2 * this.en2Size);
    let root = dsha(Buffer.from(job.coinb1 + job.en1 + this.headerEn2 + job.coinb2, 'hex'));
    for (const b of job.branch) root = dsha(Buffer.concat([root, b]));
    const h = this.header;
    h.writeUInt32LE(job.version, 0);
    job.prevhash.copy(h, 4);
    root.copy(h, 36);
    h.writeUInt32LE(job.ntime, 68);
    h.writeUInt32LE(job.nbits, 72);
    this.nonce = 0;
  }

  private submit(p: Pending): void {
    this.record.submits++;
    if (!this.authorized || this.sock === null) {
      this.queued.push(p);
      return;
    }
    this.send(p);
  }

  private send(p: Pending): void {
    const id = this.nextId++;
    p.sock = this.sock;
    this.inflight.set(id, p);
    this.sock!.write(`{"id":${id},"method":"mining.submit","params":${JSON.stringify(p.params)}}\n`);
  }

  private open(): void {
    if (!this.running) return;
    const s = connect({ host: this.o.host, port: this.o.port });
    this.sock = s;
    let buf = '';
    s.setEncoding('utf8');
    s.setNoDelay(true);
    s.on('connect', () => {
      const params = this.en1 === '' ? [this.o.userAgent ?? 'sim-miner/1.0'] : [this.o.userAgent ?? 'sim-miner/1.0', this.en1];
      s.write(`{"id":"sub","method":"mining.subscribe","params":${JSON.stringify(params)}}\n`);
      s.write(`{"id":"auth","method":"mining.authorize","params":${JSON.stringify([this.o.username, 'x'])}}\n`);
    });
    s.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() !== '') this.onMessage(s, JSON.parse(line));
      }
    });
    s.on('error', () => {
      /* close follows */
    });
    s.on('close', () => {
      this.dropAnswers(s);
      if (this.sock !== s) return;
      this.lost();
      this.sock = null;
      // A refused or dropped connection (not a reconnect we were asked for): retried after a moment.
      if (this.running) setTimeout(() => this.open(), 200).unref();
    });
  }

  private lost(): void {
    if (this.lostAt === 0) this.lostAt = performance.now();
    this.authorized = false;
  }

  /** Submits sent on a closed socket never get their answer (counted; not re-sent: the edge may have taken them). */
  private dropAnswers(s: Socket): void {
    for (const [id, p] of this.inflight) {
      if (p.sock !== s) continue;
      this.record.unanswered++;
      this.inflight.delete(id);
    }
  }

  /** client.reconnect: a new connection at once; the old one stays until its answers are in (at most 2 s). */
  private move(): void {
    const old = this.sock;
    this.record.reconnects++;
    this.record.difficultyBefore.push(this.difficulty);
    this.lost();
    this.sock = null;
    this.open();
    if (old === null) return;
    const t0 = Date.now();
    const closeWhenAnswered = () => {
      let waiting = false;
      for (const p of this.inflight.values())
        if (p.sock === old) {
          waiting = true;
          break;
        }
      if (!waiting || Date.now() - t0 > 2_000) old.destroy();
      else setTimeout(closeWhenAnswered, 10).unref();
    };
    closeWhenAnswered();
  }

  private onMessage(
    from: Socket,
    m: {
      id?: unknown;
      method?: string;
      params?: unknown[];
      result?: unknown;
      error?: [number, string] | { code: number; message: string } | null;
    },
  ): void {
    if (typeof m.method === 'string') {
      if (from === this.sock) this.onCall(m.method, m.params ?? []);
      return;
    }
    if (m.id === 'sub') {
      const r = m.result as [unknown, string, number];
      const was = this.en1;
      this.en1 = r[1];
      this.en2Size = r[2];
      if (was !== '' && was === r[1]) this.record.sessionsResumed++;
      // Our current work keeps its own extranonce1: the header is not rebuilt until the next job.
      return;
    }
    if (m.id === 'auth') {
      this.authorized = m.result === true;
      const q = this.queued;
      this.queued = [];
      for (const p of q) this.send(p);
      return;
    }
    const p = typeof m.id === 'number' ? this.inflight.get(m.id) : undefined;
    if (p === undefined) return;
    this.inflight.delete(m.id as number);
    const err =
      m.error === null || m.error === undefined ? null : Array.isArray(m.error) ? { code: m.error[0], message: m.error[1] } : m.error;
    if (err === null && m.result === true) {
      this.record.accepted++;
      if (p.share !== null) this.record.acceptedShares.push(p.share);
      if (p.header !== undefined) this.record.acceptedHeaders.push(p.header);
      return;
    }
    if (err !== null && err.code === 21 && err.message.startsWith('Stale')) {
      this.record.staleNewBlock++;
      return;
    }
    const why = err === null ? String(m.result) : `${err.code} ${err.message}`;
    this.record.rejected[why] = (this.record.rejected[why] ?? 0) + 1;
  }

  private onCall(method: string, params: unknown[]): void {
    switch (method) {
      case 'mining.set_difficulty': {
        const d = Number(params[0]);
        if (!(d > 0)) return;
        if (this.record.difficultyAfter.length < this.record.reconnects) this.record.difficultyAfter.push(d);
        this.difficulty = d;
        this.target = targetForDifficulty(d, this.multiplier);
        this.targetBE = toBE(this.target);
        return;
      }
      case 'mining.notify': {
        const p = params as [string, string, string, string, string[], string, string, string, boolean];
        const job: Job = {
          id: p[0],
          prevhash: swap4(p[1]),
          coinb1: p[2],
          coinb2: p[3],
          branch: p[4].map((b) => Buffer.from(b, 'hex')),
          version: parseInt(p[5], 16) >>> 0,
          nbits: parseInt(p[6], 16) >>> 0,
          ntime: parseInt(p[7], 16) >>> 0,
          ntimeHex: p[7],
          en1: this.en1,
        };
        const now = performance.now();
        if (this.lostAt !== 0) {
          this.record.gapsMs.push(now - this.lostAt);
          this.lostAt = 0;
          if ((this.o.workQueueMs ?? 0) > 0 && this.job !== null) {
            this.nextJob = job;
            this.switchAt = now + this.o.workQueueMs!;
            return;
          }
        }
        this.job = job;
        this.nextJob = null;
        this.headerEn2 = '';
        return;
      }
      case 'client.reconnect': {
        // Same address only (what cgminer-family firmware accepts): the Service picks the next edge.
        this.move();
        return;
      }
      default:
    }
  }
}
