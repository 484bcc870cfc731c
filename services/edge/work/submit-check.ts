// The submit check shared by stratum and getwork: rebuild the header, hash it, judge it against
// the connection's pseudoshare target, the share target and the block target, and hand real
// solutions to the ShareSink (block first). Synchronous, and allocation-light: the coinbase is
// rewritten in the job's scratch buffer and the header in one module-level buffer.
import type { EdgeContext } from '../edge-context.ts';
import type { Job } from './jobs.ts';
import type { Solution } from '../work-source.ts';
import { isHex, parseU32Hex } from '../codec/bytes.ts';
import { sha256d } from '../codec/sha256.ts';
import { merkleRootFromBranch, writeHeader } from '../codec/header.ts';
import { hashMeetsTarget, hashToBigInt } from '../codec/target.ts';

export const OK = 0;
export const JOB_NOT_FOUND = 1;
export const STALE = 2;
export const BAD_EXTRANONCE2 = 3;
export const BAD_NTIME = 4;
export const BAD_NONCE = 5;
export const BAD_VERSION = 6;
export const DUPLICATE = 7;
export const LOW_DIFFICULTY = 8;

export const STATUS_MESSAGES: readonly string[] = [
  'OK',
  'Job not found',
  'Stale share (job is from a previous block)',
  'Incorrect size of extranonce2',
  'ntime out of range',
  'Invalid nonce',
  'Invalid version bits',
  'Duplicate share',
  'Low difficulty share',
];

/** Outcome of the last check, reused to keep the hot path allocation-free. */
export interface Verdict {
  status: number;
  doa: boolean;
  share: boolean;
  block: boolean;
  /** Met the aux target (merged mining). */
  aux: boolean;
  /** 2 when the pseudoshare only met the pre-retarget target within the grace period. */
  grace: boolean;
  /** The share's durable storage under way (cluster): the miner's answer waits for it. */
  stored: Promise<unknown> | null;
}

const verdict: Verdict = { status: OK, doa: false, share: false, block: false, aux: false, grace: false, stored: null };
const header = Buffer.allocUnsafe(80);

/** Anything that can judge a PoW hash against the miner's pseudoshare target. */
export interface PseudoshareJudge {
  judge(hashLE: Uint8Array, now: number): 0 | 1 | 2;
}

export interface SubmitterIdentity {
  username: string;
  payoutAddress: string | null;
  worker: string;
}

function fail(status: number): Verdict {
  verdict.status = status;
  verdict.doa = verdict.share = verdict.block = verdict.aux = verdict.grace = false;
  verdict.stored = null;
  return verdict;
}

/** Checks a stratum mining.submit. `en2Hex` etc. are the raw params as received. */
export function checkStratumSubmit(
  ctx: EdgeContext,
  job: Job | undefined,
  en1: Buffer,
  en2Hex: unknown,
  ntimeHex: unknown,
  nonceHex: unknown,
  versionHex: unknown,
  versionMask: number,
  judge: PseudoshareJudge,
  who: SubmitterIdentity,
  now: number,
): Verdict {
  if (job === undefined) return fail(JOB_NOT_FOUND);
  if (job.staleSince !== 0) return fail(STALE);
  const cfg = ctx.config;
  if (!isHex(en2Hex, cfg.extranonce2Size)) return fail(BAD_EXTRANONCE2);
  const t = job.template;
  const ntime = parseU32Hex(ntimeHex);
  if (ntime < 0 || ntime < t.ntime || ntime > Math.max(t.ntime, Math.floor(now / 1000)) + cfg.ntimeMaxAheadSeconds) {
    return fail(BAD_NTIME);
  }
  const nonce = parseU32Hex(nonceHex);
  if (nonce < 0) return fail(BAD_NONCE);
  let version = t.version;
  if (versionHex !== undefined && versionHex !== null) {
    const bits = parseU32Hex(versionHex);
    if (bits < 0 || (bits & ~versionMask) !== 0) return fail(BAD_VERSION);
    version = ((t.version & ~versionMask) | bits) >>> 0;
  }
  const cb = job.coinbaseScratch;
  en1.copy(cb, job.en1Offset);
  cb.write(en2Hex, job.en2Offset, cfg.extranonce2Size, 'hex');
  const root = merkleRootFromBranch(sha256d(cb), t.merkleBranch);
  writeHeader({ version, prevHash: t.prevHash, merkleRoot: root, ntime, bits: t.bits, nonce }, header);
  return judgeHeader(ctx, job, header, cb, judge, who, now);
}

/**
 * Judges a complete header built on `job` with coinbase `coinbase`. Used directly by getwork,
 * whose miners send the whole header.
 */
export function judgeHeader(
  ctx: EdgeContext,
  job: Job,
  hdr: Buffer,
  coinbase: Buffer,
  judge: PseudoshareJudge,
  who: SubmitterIdentity,
  now: number,
): Verdict {
  const pow = ctx.config.powHash(hdr);
  const level = judge.judge(pow, now);
  if (level === 0) return fail(LOW_DIFFICULTY);
  if (!job.seen.add(pow)) return fail(DUPLICATE);
  verdict.status = OK;
  verdict.stored = null;
  verdict.grace = level === 2;
  verdict.doa = job.template.workId !== ctx.workId;
  verdict.block = hashMeetsTarget(pow, job.blockTargetBE);
  verdict.share = verdict.block || hashMeetsTarget(pow, job.shareTargetBE);
  verdict.aux = job.auxTargetBE !== null && hashMeetsTarget(pow, job.auxTargetBE);
  if (verdict.share || verdict.aux) deliverSolution(ctx, job, hdr, coinbase, pow, who, now);
  return verdict;
}

function deliverSolution(
  ctx: EdgeContext,
  job: Job,
  hdr: Buffer,
  coinbase: Buffer,
  pow: Buffer,
  who: SubmitterIdentity,
  now: number,
): void {
  const cfg = ctx.config;
  const solution: Solution = {
    template: job.template,
    header: Buffer.from(hdr),
    coinbase: Buffer.from(coinbase),
    coinbaseNonce: Buffer.from(coinbase.subarray(job.en1Offset, job.en2Offset + cfg.extranonce2Size)),
    powHash: hashToBigInt(pow),
    isBlock: verdict.block,
    isShare: verdict.share,
    isAux: verdict.aux,
    doa: verdict.doa,
    username: who.username,
    payoutAddress: who.payoutAddress,
    worker: who.worker,
    receivedAt: now,
  };
  // The block goes to the full node before anything else happens with it.
  if (solution.isBlock) {
    ctx.counters.blocks++;
    try {
      ctx.sink.submitBlock(solution);
    } catch {
      /* the sink logs; a miner must not see our failure */
    }
  }
  if (solution.isShare) {
    // A block solution that misses the share target (regtest's easy blocks) is not a share: the
    // sink drops it, and the stats must not count it as one.
    if (hashMeetsTarget(pow, job.shareTargetBE)) ctx.counters.shares++;
    try {
      const r = ctx.sink.submitShare(solution);
      if (r) verdict.stored = r;
    } catch {
      /* as above */
    }
  }
  // Merged mining last: the parent chain's block and share never wait for it.
  if (solution.isAux)
    try {
      ctx.sink.submitAux?.(solution);
    } catch {
      /* as above */
    }
}
