// getwork (docs/protocol.md §8.7): each request gets a fresh extranonce1 with a zero extranonce2, so the
// header's merkle root identifies the work on submit. Work is remembered for the job lifetime.
import type { EdgeContext } from '../edge-context.ts';
import { adoptEpoch } from '../edge-context.ts';
import type { Identity } from '../stratum/session.ts';
import type { Job } from '../work/jobs.ts';
import { WorkUnavailableError } from '../work-source.ts';
import { buildCoinbase, merkleRootFromBranch, writeHeader } from '../codec/header.ts';
import { sha256d } from '../codec/sha256.ts';
import { GETWORK_HASH1, getworkData, getworkMidstate, getworkTarget, headerFromGetworkData } from '../codec/getwork-encoding.ts';
import { hashMeetsTarget, targetToAttempts, targetToBE } from '../codec/target.ts';
import { judgeHeader, OK, STALE, JOB_NOT_FOUND, BAD_NTIME, BAD_VERSION, DUPLICATE, LOW_DIFFICULTY } from '../work/submit-check.ts';
import { record } from '../miners/stats.ts';
import type { Vardiff } from '../work/vardiff.ts';
import { newVardiff } from '../stratum/work-dispatch.ts';

interface IssuedWork {
  job: Job;
  en1: Buffer;
  coinbase: Buffer;
  targetBE: Buffer;
  attempts: number;
  issuedAt: number;
  client: GetworkClient;
}

/** One getwork miner (remote address and username): its pseudoshare difficulty, as stratum's. */
interface GetworkClient {
  vardiff: Vardiff | null;
  lastSeen: number;
}

/** A getwork submit's outcome; `reason` goes to the miner as X-Reject-Reason. */
export interface GetworkSubmitResult {
  ok: boolean;
  reason: string | null;
  /** The share's durable storage under way (cluster): the answer waits for it. */
  stored?: Promise<unknown>;
}

// The getwork convention's reject reasons (BIP 22's names), indexed by submit-check status.
const REJECT_REASONS: Record<number, string> = {
  [JOB_NOT_FOUND]: 'unknown-work',
  [STALE]: 'stale-prevblk',
  [BAD_NTIME]: 'time-invalid',
  [BAD_VERSION]: 'bad-version',
  [DUPLICATE]: 'duplicate',
  [LOW_DIFFICULTY]: 'high-hash',
};

export interface GetworkResult {
  data: string;
  hash1: string;
  target: string;
  midstate: string;
  identifier?: string;
  submitold?: boolean;
}

/** Outstanding getwork units kept; past this the oldest are forgotten (a request flood must not grow memory without bound). */
export const MAX_OUTSTANDING_GETWORK = 100_000;

export class GetworkService {
  private readonly ctx: EdgeContext;
  private readonly issued = new Map<string, IssuedWork>();
  private readonly clients = new Map<string, GetworkClient>();

  constructor(ctx: EdgeContext) {
    this.ctx = ctx;
  }

  /** Work units issued and not yet expired. */
  get outstanding(): number {
    return this.issued.size;
  }

  /** Getwork miners (address and username) seen within the job lifetime. */
  get clientCount(): number {
    return this.clients.size;
  }

  private client(key: string, now: number): GetworkClient {
    let c = this.clients.get(key);
    if (c === undefined) {
      if (this.clients.size >= MAX_OUTSTANDING_GETWORK) this.clients.delete(this.clients.keys().next().value!);
      c = { vardiff: null, lastSeen: now };
      this.clients.set(key, c);
    }
    c.lastSeen = now;
    return c;
  }

  /** Builds getwork for this identity; throws WorkUnavailableError while the node has none.
   *  `clientKey` names the miner (its address and username) for its vardiff. */
  issue(id: Identity, userAgent: string, now: number, clientKey = id.username): GetworkResult {
    const ctx = this.ctx;
    let job = ctx.jobs.currentFor(id.workKey);
    if (job === undefined) {
      const template = ctx.work.getJobTemplate({
        payoutAddress: id.payoutAddress,
        desiredShareTarget: id.desiredShareTarget,
        mergedAddress: id.mergedAddress,
      });
      adoptEpoch(ctx, template.workId, template.prevHash);
      job = ctx.jobs.add(id.workKey, template, now);
    }
    const t = job.template;
    const client = this.client(clientKey, now);
    if (client.vardiff === null || client.vardiff.fixed !== (id.pseudoshareDifficulty !== null)) {
      client.vardiff = newVardiff(ctx, id, null, job, now);
    }
    if (!client.vardiff.fixed) client.vardiff.setFloor(t.shareTarget, now);
    let target = client.vardiff.target;
    if (target < t.shareTarget) target = t.shareTarget;
    if (this.issued.size >= MAX_OUTSTANDING_GETWORK) this.evictOldest();
    const en1 = ctx.extranonce.allocate();
    const coinbase = buildCoinbase(t.coinb1, en1, Buffer.alloc(ctx.config.extranonce2Size), t.coinb2);
    const root = merkleRootFromBranch(sha256d(coinbase), t.merkleBranch);
    const header = writeHeader({ version: t.version, prevHash: t.prevHash, merkleRoot: root, ntime: t.ntime, bits: t.bits, nonce: 0 });
    this.issued.set(root.toString('latin1'), {
      job,
      en1,
      coinbase,
      targetBE: targetToBE(target),
      attempts: targetToAttempts(target),
      issuedAt: now,
      client,
    });
    const result: GetworkResult = {
      data: getworkData(header),
      hash1: GETWORK_HASH1,
      target: getworkTarget(target),
      midstate: getworkMidstate(header),
    };
    if (userAgent !== 'Jephis PIC Miner') {
      result.identifier = String(ctx.workId);
      result.submitold = true;
    }
    return result;
  }

  /** A getwork submit: ok when the solution was accepted and on time, else the reason. */
  submit(id: Identity, dataHex: unknown, now: number): GetworkSubmitResult {
    const ctx = this.ctx;
    ctx.counters.submits++;
    const header = typeof dataHex === 'string' ? headerFromGetworkData(dataHex) : null;
    const work = header === null ? undefined : this.issued.get(header.toString('latin1', 36, 68));
    if (header === null || work === undefined) {
      ctx.counters.rejected++;
      record(id.stats, 'rejected', 0, now);
      return { ok: false, reason: header === null ? 'invalid-data' : 'unknown-work' };
    }
    const t = work.job.template;
    const ntime = header.readUInt32LE(68);
    const versionOk = ((header.readUInt32LE(0) ^ t.version) & ~ctx.config.versionRollingMask) === 0;
    const reason = !header.subarray(4, 36).equals(t.prevHash)
      ? 'bad-prevblk'
      : header.readUInt32LE(72) !== t.bits
        ? 'bad-diffbits'
        : !versionOk
          ? 'bad-version'
          : ntime < t.ntime
            ? 'time-too-old'
            : ntime > Math.max(t.ntime, Math.floor(now / 1000)) + ctx.config.ntimeMaxAheadSeconds
              ? 'time-too-new'
              : null;
    if (reason !== null) {
      ctx.counters.rejected++;
      record(id.stats, 'rejected', 0, now);
      return { ok: false, reason };
    }
    if (work.job.staleSince !== 0) {
      ctx.counters.stale++;
      record(id.stats, 'stale', 0, now);
      return { ok: false, reason: 'stale-prevblk' };
    }
    const judge = { judge: (h: Uint8Array) => (hashMeetsTarget(h, work.targetBE) ? (1 as const) : (0 as const)) };
    const v = judgeHeader(ctx, work.job, header, work.coinbase, judge, id, now);
    if (v.status !== OK) {
      if (v.status === STALE) ctx.counters.stale++;
      else ctx.counters.rejected++;
      record(id.stats, 'rejected', 0, now);
      return { ok: false, reason: REJECT_REASONS[v.status] ?? 'rejected' };
    }
    if (v.doa) {
      ctx.counters.doa++;
      record(id.stats, 'doa', work.attempts, now);
    } else {
      ctx.counters.accepted++;
      record(id.stats, 'accepted', work.attempts, now);
    }
    if (v.share)
      for (const st of id.stats) {
        st.shares++;
        if (v.block) st.blocks++;
      }
    const vd = work.client.vardiff;
    if (vd !== null) vd.onShare(now); // the next getwork request carries the new target
    const stored = v.stored ?? undefined;
    if (v.doa) return { ok: false, reason: 'stale-work', ...(stored ? { stored } : {}) };
    return { ok: true, reason: null, ...(stored ? { stored } : {}) };
  }

  private evictOldest(): void {
    // Map iteration order is insertion order: the first entry is the oldest.
    for (const [k, w] of this.issued) {
      this.issued.delete(k);
      this.ctx.extranonce.release(w.en1);
      return;
    }
  }

  sweep(now: number): void {
    for (const [k, c] of this.clients) {
      if (now - c.lastSeen > this.ctx.config.jobLifetimeMs) this.clients.delete(k);
      else c.vardiff?.onIdle(now);
    }
    for (const [k, w] of this.issued) {
      if (now - w.issuedAt > this.ctx.config.jobLifetimeMs) {
        this.issued.delete(k);
        this.ctx.extranonce.release(w.en1);
      }
    }
  }

  clear(): void {
    for (const w of this.issued.values()) this.ctx.extranonce.release(w.en1);
    this.issued.clear();
    this.clients.clear();
  }
}

export { WorkUnavailableError };
