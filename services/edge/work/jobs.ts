// Job registry. A job is one JobTemplate for one (payout address, share target) key in one
// work epoch; every connection with that key gets the same job and the same notify bytes (its
// own extranonce1 keeps the coinbases apart), which is what makes fan-out a loop of writes.
// With many distinct keys (a public node: one job per payout address) a job's set-up is on the
// fan-out's path, so what is the same for a whole template (prevhash, branch) is encoded once.
import type { JobTemplate } from '../work-source.ts';
import { stratumPrevHash } from '../codec/header.ts';
import { u32Hex } from '../codec/bytes.ts';
import { targetToBE } from '../codec/target.ts';
import { SeenSet } from './seen-set.ts';

export class Job {
  readonly id: string;
  readonly key: string;
  readonly template: JobTemplate;
  readonly createdAt: number;
  readonly prevHashHex: string;
  readonly shareTargetBE: Buffer;
  readonly blockTargetBE: Buffer;
  /** Merged mining's target, or null without aux work. */
  readonly auxTargetBE: Buffer | null;
  /** Set when a new block arrives: submits answer "stale". */
  staleSince = 0;
  /** PoW-hash prefixes of accepted submits, for duplicate detection. */
  readonly seen = new SeenSet();
  readonly en1Offset: number;
  readonly en2Offset: number;
  private readonly en2Size: number;
  private scratch: Buffer | null = null;
  private readonly shared: SharedEncoding;
  private notifyClean: string | null = null;
  private notifyKeep: string | null = null;

  constructor(id: string, key: string, template: JobTemplate, now: number, en1Size: number, en2Size: number) {
    this.id = id;
    this.key = key;
    this.template = template;
    this.createdAt = now;
    const shared = (this.shared = sharedOf(template));
    this.prevHashHex = shared.prevHashHex;
    this.shareTargetBE = targetToBE(template.shareTarget);
    this.blockTargetBE = shared.blockTargetBE;
    this.auxTargetBE = template.auxTarget === undefined ? null : targetToBE(template.auxTarget);
    this.en1Offset = template.coinb1.length;
    this.en2Offset = this.en1Offset + en1Size;
    this.en2Size = en2Size;
  }

  /** coinb1 || extranonce1 || extranonce2 || coinb2, rewritten in place per submit (made on the first). */
  get coinbaseScratch(): Buffer {
    if (this.scratch !== null) return this.scratch;
    const t = this.template;
    const b = Buffer.allocUnsafe(this.en2Offset + this.en2Size + t.coinb2.length);
    t.coinb1.copy(b, 0);
    b.fill(0, this.en1Offset, this.en2Offset + this.en2Size);
    t.coinb2.copy(b, this.en2Offset + this.en2Size);
    return (this.scratch = b);
  }

  /** mining.notify params (docs/protocol.md §8.3). */
  notifyParams(cleanJobs: boolean): unknown[] {
    const t = this.template;
    return [
      this.id,
      stratumPrevHash(t.prevHash),
      t.coinb1.toString('hex'),
      t.coinb2.toString('hex'),
      t.merkleBranch.map((b) => b.toString('hex')),
      u32Hex(t.version),
      u32Hex(t.bits),
      u32Hex(t.ntime),
      cleanJobs,
    ];
  }

  /**
   * The complete notify line, encoded once and shared by every connection on this job (while it is
   * current: the registry drops the lines of superseded jobs, which only keep what submits need).
   * A string, not a Buffer: a socket write of a string under 16 KiB goes out from a stack buffer
   * when the socket takes it at once, so the line never lands in fresh memory of its own (with a job
   * per payout address, thousands of 5 KB buffers per new-work event, page faults and GC).
   */
  notifyLine(cleanJobs: boolean): string {
    if (cleanJobs) return (this.notifyClean ??= this.encodeNotify(true));
    return (this.notifyKeep ??= this.encodeNotify(false));
  }

  /**
   * encodeCall('mining.notify', notifyParams()) written out: every value is a hex string or a job
   * id of [0-9a-f], none needs JSON escaping, so the bytes are the same (a test holds the two equal).
   */
  private encodeNotify(cleanJobs: boolean): string {
    const t = this.template;
    const shared = this.shared;
    return `{"jsonrpc":"2.0","id":null,"method":"mining.notify","params":["${this.id}","${shared.stratumPrevHash}","${t.coinb1.toString('hex')}","${t.coinb2.toString('hex')}",${shared.tail}${cleanJobs ? 'true' : 'false'}]}\n`;
  }

  /** Forget the encoded notify lines (the job is no longer handed out). */
  dropNotifyLines(): void {
    this.notifyClean = null;
    this.notifyKeep = null;
  }
}

/** What every job of a template has in common, encoded once (keyed by the template's prevHash and branch). */
interface SharedEncoding {
  prevHash: Buffer;
  version: number;
  bits: number;
  ntime: number;
  blockTarget: bigint;
  prevHashHex: string;
  stratumPrevHash: string;
  blockTargetBE: Buffer;
  /** `[branch…],"version","bits","ntime",` */
  tail: string;
}

const sharedEncodings = new WeakMap<readonly Buffer[], SharedEncoding>();

function sharedOf(t: JobTemplate): SharedEncoding {
  const hit = sharedEncodings.get(t.merkleBranch);
  if (
    hit !== undefined &&
    hit.version === t.version &&
    hit.bits === t.bits &&
    hit.ntime === t.ntime &&
    hit.blockTarget === t.blockTarget &&
    (hit.prevHash === t.prevHash || hit.prevHash.equals(t.prevHash))
  )
    return hit;
  const enc: SharedEncoding = {
    prevHash: t.prevHash,
    version: t.version,
    bits: t.bits,
    ntime: t.ntime,
    blockTarget: t.blockTarget,
    prevHashHex: t.prevHash.toString('hex'),
    stratumPrevHash: stratumPrevHash(t.prevHash),
    blockTargetBE: targetToBE(t.blockTarget),
    tail: `${JSON.stringify(t.merkleBranch.map((b) => b.toString('hex')))},"${u32Hex(t.version)}","${u32Hex(t.bits)}","${u32Hex(t.ntime)}",`,
  };
  sharedEncodings.set(t.merkleBranch, enc);
  return enc;
}

export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private readonly current = new Map<string, Job>();
  private counter: number;
  private readonly en1Size: number;
  private readonly en2Size: number;

  /** Prefix of every job id (handover/job-tag.ts): the issuing edge. */
  readonly tag: string;

  constructor(en1Size: number, en2Size: number, startCounter = Math.floor(Math.random() * 0xffffffff), tag = '') {
    this.tag = tag;
    this.en1Size = en1Size;
    this.en2Size = en2Size;
    this.counter = startCounter >>> 0;
  }

  get size(): number {
    return this.jobs.size;
  }

  get(id: unknown): Job | undefined {
    return typeof id === 'string' ? this.jobs.get(id) : undefined;
  }

  /** The job issued for this key in the current epoch, if any. */
  currentFor(key: string): Job | undefined {
    return this.current.get(key);
  }

  add(key: string, template: JobTemplate, now: number): Job {
    this.counter = (this.counter + 1) >>> 0;
    const job = new Job(this.tag + this.counter.toString(16), key, template, now, this.en1Size, this.en2Size);
    this.jobs.set(job.id, job);
    this.current.set(key, job);
    return job;
  }

  /** A new-work event: no key has a current job any more. With a new block, older jobs go stale. */
  newEpoch(prevHashHex: string, newBlock: boolean, now: number): void {
    for (const job of this.current.values()) job.dropNotifyLines();
    this.current.clear();
    if (!newBlock) return;
    for (const job of this.jobs.values()) {
      if (job.staleSince === 0 && job.prevHashHex !== prevHashHex) job.staleSince = now;
    }
  }

  /** Forgets expired jobs: idle past their lifetime, or stale for longer than staleKeepMs. */
  sweep(now: number, lifetimeMs: number, staleKeepMs: number): void {
    for (const [id, job] of this.jobs) {
      if (this.current.get(job.key) === job && job.staleSince === 0) continue;
      if (now - job.createdAt > lifetimeMs || (job.staleSince !== 0 && now - job.staleSince > staleKeepMs)) {
        this.jobs.delete(id);
        if (this.current.get(job.key) === job) this.current.delete(job.key);
      }
    }
  }
}
