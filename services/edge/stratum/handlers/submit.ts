// mining.submit(worker, job_id, extranonce2, ntime, nonce[, version_bits]) → true, or an error:
//   21 job not found / stale (previous block), 22 duplicate, 23 low difficulty,
//   24 unauthorized (nothing authorized on this connection), 25 not subscribed, 20 malformed fields (extranonce2 size, ntime
//   range, nonce, version bits outside the negotiated mask).
//   >> {"id":4,"method":"mining.submit","params":["addr.rig1","1a2b","00000001","5f5e1011","00000118"]}
//   << {"jsonrpc":"2.0","id":4,"result":true,"error":null}
// A DOA pseudoshare (older work of the same block) is accepted and counted as DOA.
import type { Handler } from '../dispatcher.ts';
import { encodeResult } from '../../codec/jsonrpc.ts';
import * as E from '../errors.ts';
import * as C from '../../work/submit-check.ts';
import { record } from '../../miners/stats.ts';
import { sendWork } from '../work-dispatch.ts';
import { forwardSubmit, STATUS_CODES } from '../../handover/foreign-submit.ts';
import { jobTagOf } from '../../handover/job-tag.ts';

export const submit: Handler = (s, req) => {
  const ctx = s.ctx;
  const p = req.params;
  ctx.counters.submits++;
  if (!s.subscribed || s.en1 === null) {
    ctx.counters.rejected++;
    s.error(req.id, E.NOT_SUBSCRIBED, 'Not subscribed');
    return;
  }
  // Some firmware and proxies submit under a different worker string than they authorized;
  // such submits count for the connection's current identity rather than being rejected.
  const id = (typeof p[0] === 'string' ? s.users?.get(p[0]) : undefined) ?? s.identity ?? undefined;
  if (id === undefined) {
    ctx.counters.rejected++;
    s.error(req.id, E.UNAUTHORIZED, 'Unauthorized worker');
    return;
  }
  if (s.vardiff === null) {
    // Authorized while the node had no work: nothing was issued yet.
    ctx.counters.rejected++;
    s.error(req.id, E.JOB_NOT_FOUND, 'Job not found');
    return;
  }
  const now = Date.now();
  const job = ctx.jobs.get(p[1]);
  if (job === undefined && ctx.handover !== null) {
    // Work another edge issued (the miner came here from a draining edge): that edge checks it.
    const tag = jobTagOf(p[1]);
    if (tag !== null && tag !== ctx.jobTag) {
      forwardSubmit(s, req, id, tag);
      return;
    }
  }
  const v = C.checkStratumSubmit(ctx, job, s.en1, p[2], p[3], p[4], p[5], s.versionMask, s.vardiff, id, now);
  if (v.status === C.OK) {
    if (v.doa) {
      ctx.counters.doa++;
      record(id.stats, 'doa', s.attemptsPerShare, now);
    } else {
      ctx.counters.accepted++;
      record(id.stats, 'accepted', s.attemptsPerShare, now);
    }
    if (v.share)
      for (const st of id.stats) {
        st.shares++;
        if (v.block) st.blocks++;
      }
    const stored = v.stored;
    if (stored === null) s.write(encodeResult(req.id, true));
    // A share is "accepted" only once it is stored (cluster: the edge's JetStream queue, docs/bus.md).
    else
      stored.then(
        () => s.write(encodeResult(req.id, true)),
        (e: unknown) => {
          ctx.counters.unstored++;
          s.error(req.id, E.OTHER, `Share not stored, the pool cannot take shares right now (${(e as Error)?.message ?? e}); not counted`);
        },
      );
    if (!v.grace && s.vardiff.onShare(now)) sendWork(ctx, s, false);
    return;
  }
  if (v.status === C.STALE) {
    ctx.counters.stale++;
    record(id.stats, 'stale', 0, now);
  } else {
    ctx.counters.rejected++;
    record(id.stats, 'rejected', 0, now);
  }
  s.error(req.id, STATUS_CODES[v.status]!, C.STATUS_MESSAGES[v.status]!);
};
