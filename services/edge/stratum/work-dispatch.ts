// Server-sent work: mining.set_difficulty and mining.notify, per session and fanned out to
// every session on a new-work event. A job (and its encoded notify line) is built once per
// work key and written to every session of that key.
import type { EdgeContext } from '../edge-context.ts';
import { adoptEpoch, minerDifficultyToTarget } from '../edge-context.ts';
import type { Identity, StratumSession } from './session.ts';
import type { Job } from '../work/jobs.ts';
import { Vardiff } from '../work/vardiff.ts';
import { WorkUnavailableError } from '../work-source.ts';
import { encodeCall } from '../codec/jsonrpc.ts';
import { targetToAttempts, targetToDifficulty } from '../codec/target.ts';

const difficultyLines = new Map<bigint, Buffer>();

function setDifficultyLine(ctx: EdgeContext, target: bigint): Buffer {
  let line = difficultyLines.get(target);
  if (line === undefined) {
    if (difficultyLines.size > 10_000) difficultyLines.clear();
    line = Buffer.from(encodeCall('mining.set_difficulty', [targetToDifficulty(target) * ctx.config.difficultyMultiplier]));
    difficultyLines.set(target, line);
  }
  return line;
}

/** The job for the session's key in the current epoch, built on first use. Null if the node has no work. */
export function jobFor(ctx: EdgeContext, s: StratumSession, now: number): Job | null {
  const id = s.identity!;
  const existing = ctx.jobs.currentFor(id.workKey);
  if (existing !== undefined) return existing;
  try {
    const template = ctx.work.getJobTemplate({
      payoutAddress: id.payoutAddress,
      desiredShareTarget: id.desiredShareTarget,
      mergedAddress: id.mergedAddress,
    });
    adoptEpoch(ctx, template.workId, template.prevHash);
    return ctx.jobs.add(id.workKey, template, now);
  } catch (e) {
    if (e instanceof WorkUnavailableError) return null;
    throw e;
  }
}

export function joinGroup(ctx: EdgeContext, s: StratumSession, key: string): void {
  if (s.groupKey === key) return;
  leaveGroup(ctx, s);
  let g = ctx.groups.get(key);
  if (g === undefined) {
    g = new Set();
    ctx.groups.set(key, g);
  }
  g.add(s);
  s.groupKey = key;
}

export function leaveGroup(ctx: EdgeContext, s: StratumSession): void {
  if (s.groupKey === null) return;
  const g = ctx.groups.get(s.groupKey);
  if (g !== undefined) {
    g.delete(s);
    if (g.size === 0) ctx.groups.delete(s.groupKey);
  }
  s.groupKey = null;
}

function ensureVardiff(ctx: EdgeContext, s: StratumSession, job: Job, now: number): Vardiff {
  if (s.vardiff !== null) return s.vardiff;
  s.vardiff = newVardiff(ctx, s.identity!, s.suggestedTarget, job, now);
  return s.vardiff;
}

/** The pseudoshare policy every miner gets, stratum or getwork: a fixed `+PSEUDODIFF`, or vardiff
 *  from a suggested/starting target within the edge's limits. */
export function newVardiff(ctx: EdgeContext, id: Identity, suggested: bigint | null, job: Job, now: number): Vardiff {
  const cfg = ctx.config;
  const fixed = id.pseudoshareDifficulty !== null;
  let target: bigint;
  if (fixed) {
    const t = minerDifficultyToTarget(cfg, id.pseudoshareDifficulty!);
    target = t > job.template.blockTarget ? t : job.template.blockTarget;
  } else {
    // Where the miner left off, on this edge or another (a drain moved it), before any starting guess.
    target =
      ctx.difficulties?.get(id.username) ??
      suggested ??
      job.template.pseudoshareTarget ??
      minerDifficultyToTarget(cfg, cfg.initialDifficulty);
  }
  return new Vardiff(target, now, {
    shareRateSeconds: cfg.shareRateSeconds,
    graceMs: cfg.vardiffGraceMs,
    fixed,
    limits: { minTarget: ctx.minTarget, maxTarget: ctx.maxTarget },
  });
}

/** Writes set_difficulty (if the target changed since last sent) and the job's notify. */
export function deliver(ctx: EdgeContext, s: StratumSession, job: Job, notifyLine: string, now: number): void {
  if (s.leaving) return;
  const v = ensureVardiff(ctx, s, job, now);
  if (!v.fixed) v.setFloor(job.template.shareTarget, now);
  if (v.target !== s.sentTarget) {
    s.sentTarget = v.target;
    s.attemptsPerShare = targetToAttempts(v.target);
    if (!v.fixed) ctx.difficulties?.remember(s.identity!.username, v.target, now);
    s.write(setDifficultyLine(ctx, v.target));
  }
  s.job = job;
  s.write(notifyLine);
}

/** Sends current work to one session (after subscribe + authorize, or a retarget). */
export function sendWork(ctx: EdgeContext, s: StratumSession, cleanJobs: boolean): void {
  if (!s.subscribed || s.identity === null || s.closed) return;
  joinGroup(ctx, s, s.identity.workKey);
  const now = Date.now();
  const job = jobFor(ctx, s, now);
  if (job === null) return; // the session waits in its group until the node has work again
  deliver(ctx, s, job, job.notifyLine(cleanJobs), now);
}

/** New-work event: one job per group, the same notify bytes to every member. */
export function fanOut(ctx: EdgeContext): number {
  const now = Date.now();
  let sent = 0;
  for (const group of ctx.groups.values()) {
    let job: Job | null = null;
    let line: string | null = null;
    for (const s of group) {
      if (s.closed) continue;
      if (job === null) {
        job = jobFor(ctx, s, now);
        if (job === null) break;
        line = job.notifyLine(true);
      }
      deliver(ctx, s, job, line!, now);
      sent++;
    }
  }
  return sent;
}
