// Both ends of a submit that reached an edge other than the one that issued its job (a miner moved
// by a drain with shares still in flight, docs/rollout.md):
//  - the receiving edge sends it to the issuing edge (forwardSubmit) and answers the miner with the
//    verdict when it comes back — off the hot path, only for job ids of another edge;
//  - the issuing edge checks it against its own job exactly as a local submit (answerForeignSubmit),
//    trying the extranonce1 the miner hashed with (its connection here, now departed), and hands a
//    share to its own sink, which holds the job's payload.
import type { EdgeContext } from '../edge-context.ts';
import type { HandoverSubmitReply, HandoverSubmitRequest } from '../../gen/p2pool/v1/edge.ts';
import type { StratumSession, Identity } from '../stratum/session.ts';
import type { RpcRequest } from '../codec/jsonrpc.ts';
import { encodeResult } from '../codec/jsonrpc.ts';
import * as C from '../work/submit-check.ts';
import * as E from '../stratum/errors.ts';
import { hashMeetsTarget, targetToBE } from '../codec/target.ts';
import { record } from '../miners/stats.ts';
import type { PseudoshareJudge } from '../work/submit-check.ts';

export const STATUS_CODES: readonly number[] = [
  0,
  E.JOB_NOT_FOUND,
  E.JOB_NOT_FOUND,
  E.OTHER,
  E.OTHER,
  E.OTHER,
  E.OTHER,
  E.DUPLICATE_SHARE,
  E.LOW_DIFFICULTY,
];

class FixedJudge implements PseudoshareJudge {
  private readonly targetBE: Buffer;
  constructor(targetBE: Buffer) {
    this.targetBE = targetBE;
  }
  judge(hashLE: Uint8Array): 0 | 1 | 2 {
    return hashMeetsTarget(hashLE, this.targetBE) ? 1 : 0;
  }
}

/** Receiving edge: sends the submit to the edge with `tag` and answers the miner when it replies. */
export function forwardSubmit(s: StratumSession, req: RpcRequest, id: Identity, tag: string): void {
  const ctx = s.ctx;
  const p = req.params;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  ctx.counters.forwarded++;
  const body: HandoverSubmitRequest = {
    jobId: str(p[1]),
    extranonce2: str(p[2]),
    ntime: str(p[3]),
    nonce: str(p[4]),
    versionBits: str(p[5]),
    username: id.username,
    worker: id.worker,
    payoutAddress: id.payoutAddress ?? '',
    extranonce1: s.en1!,
    versionMask: s.versionMask,
    target: s.vardiff!.targetBE,
  };
  const attempts = s.attemptsPerShare;
  ctx.handover!.forward(tag, body).then(
    (r) => {
      const now = Date.now();
      if (r.code === 0) {
        ctx.counters.forwardedAccepted++;
        if (r.doa) {
          ctx.counters.doa++;
          record(id.stats, 'doa', attempts, now);
        } else {
          ctx.counters.accepted++;
          record(id.stats, 'accepted', attempts, now);
        }
        if (r.share)
          for (const st of id.stats) {
            st.shares++;
            if (r.block) st.blocks++;
          }
        s.write(encodeResult(req.id, true));
        return;
      }
      if (r.code === E.JOB_NOT_FOUND && r.message.startsWith('Stale')) {
        ctx.counters.stale++;
        record(id.stats, 'stale', 0, now);
      } else {
        ctx.counters.rejected++;
        record(id.stats, 'rejected', 0, now);
      }
      s.error(req.id, r.code, r.message);
    },
    () => {
      // The issuing edge has exited: nothing can check the share any more.
      ctx.counters.rejected++;
      record(id.stats, 'rejected', 0, Date.now());
      s.error(req.id, E.JOB_NOT_FOUND, 'Job not found');
    },
  );
}

/** Issuing edge: the verdict on a submit another edge received for one of this edge's jobs. */
export function answerForeignSubmit(
  ctx: EdgeContext,
  req: HandoverSubmitRequest,
  now = Date.now(),
): HandoverSubmitReply | Promise<HandoverSubmitReply> {
  ctx.counters.handedBack++;
  const job = ctx.jobs.get(req.jobId);
  const fixed = new FixedJudge(req.target.length === 32 ? Buffer.from(req.target) : targetToBE(ctx.maxTarget));
  const who = { username: req.username, payoutAddress: req.payoutAddress === '' ? null : req.payoutAddress, worker: req.worker };
  const version = req.versionBits === '' ? undefined : req.versionBits;
  // The connection the miner had here first (its extranonce1 is what it hashed the old job with),
  // then the one it has now at the other edge (a miner that resumed its session id).
  const candidates: Array<{ en1: Buffer; mask: number; judge: PseudoshareJudge }> = [];
  for (const d of ctx.departed.get(req.username)) candidates.push({ en1: d.en1, mask: d.versionMask, judge: d.vardiff ?? fixed });
  if (req.extranonce1.length === ctx.config.extranonce1Size)
    candidates.push({ en1: Buffer.from(req.extranonce1), mask: req.versionMask, judge: fixed });
  if (candidates.length === 0) candidates.push({ en1: Buffer.alloc(ctx.config.extranonce1Size), mask: req.versionMask, judge: fixed });
  let v: C.Verdict | null = null;
  for (const c of candidates) {
    v = C.checkStratumSubmit(ctx, job, c.en1, req.extranonce2, req.ntime, req.nonce, version, c.mask, c.judge, who, now);
    if (v.status !== C.LOW_DIFFICULTY) break;
  }
  const status = v!.status;
  if (status === C.OK) {
    const ok: HandoverSubmitReply = { code: 0, message: '', doa: v!.doa, share: v!.share, block: v!.block };
    const stored = v!.stored;
    if (stored === null) {
      ctx.counters.handedBackAccepted++;
      return ok;
    }
    // A share is accepted only once stored (the edge's share queue in the cluster), as for a local submit.
    return stored.then(
      () => {
        ctx.counters.handedBackAccepted++;
        return ok;
      },
      (e: unknown) => {
        ctx.counters.unstored++;
        return {
          code: E.OTHER,
          message: `Share not stored, the pool cannot take shares right now (${(e as Error)?.message ?? e}); not counted`,
          doa: false,
          share: false,
          block: false,
        };
      },
    );
  }
  return { code: STATUS_CODES[status]!, message: C.STATUS_MESSAGES[status]!, doa: false, share: false, block: false };
}
