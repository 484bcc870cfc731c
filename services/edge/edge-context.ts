// State shared by the stratum handlers, the getwork front and the fan-out: one per EdgeServer.
import type { EdgeConfig } from './config.ts';
import type { JobRegistry } from './work/jobs.ts';
import type { ExtranonceAllocator } from './work/extranonce.ts';
import type { ShareSink, WorkSource } from './work-source.ts';
import type { StatsBook } from './miners/stats.ts';
import type { StratumSession } from './stratum/session.ts';
import type { HandoverLink } from './handover/link.ts';
import type { MinerDifficultyBook } from './handover/miner-difficulty.ts';
import type { DepartedSessions } from './handover/departed.ts';
import { difficultyToTarget } from './codec/target.ts';

export interface EdgeCounters {
  submits: number;
  accepted: number;
  doa: number;
  stale: number;
  rejected: number;
  shares: number;
  blocks: number;
  /** Shares the durable queue could not take: the miner was told, not counted as accepted. */
  unstored: number;
  getworkRequests: number;
  badLines: number;
  droppedOversize: number;
  droppedSlow: number;
  droppedIdle: number;
  droppedBackpressure: number;
  /** Times a connection's reading was paused until it read our replies (write backpressure). */
  readsPaused: number;
  /** Submits for another edge's jobs sent there (and accepted there), and those this edge checked for others. */
  forwarded: number;
  forwardedAccepted: number;
  handedBack: number;
  handedBackAccepted: number;
  /** client.reconnect sent by a drain. */
  reconnectsSent: number;
}

export function newCounters(): EdgeCounters {
  return {
    submits: 0,
    accepted: 0,
    doa: 0,
    stale: 0,
    rejected: 0,
    shares: 0,
    blocks: 0,
    unstored: 0,
    getworkRequests: 0,
    badLines: 0,
    droppedOversize: 0,
    droppedSlow: 0,
    droppedIdle: 0,
    droppedBackpressure: 0,
    readsPaused: 0,
    forwarded: 0,
    forwardedAccepted: 0,
    handedBack: 0,
    handedBackAccepted: 0,
    reconnectsSent: 0,
  };
}

export interface EdgeContext {
  readonly config: EdgeConfig;
  readonly jobs: JobRegistry;
  readonly extranonce: ExtranonceAllocator;
  readonly work: WorkSource;
  readonly sink: ShareSink;
  readonly stats: StatsBook;
  readonly counters: EdgeCounters;
  /** Sessions grouped by work key, so one job serves each group on fan-out. */
  readonly groups: Map<string, Set<StratumSession>>;
  /** Latest new-work event count and previous block (hex, internal order). */
  workId: number;
  prevHashHex: string;
  /** Target bounds in target units (minTarget = hardest). */
  readonly minTarget: bigint;
  readonly maxTarget: bigint;
  draining: boolean;
  /** First hex digits of every job id this edge issues (handover/job-tag.ts). */
  readonly jobTag: string;
  /** Other edges, for submits on their jobs (null: this edge is alone). */
  readonly handover: HandoverLink | null;
  /** Miners' pseudoshare difficulty shared by the edges (null: vardiff starts afresh per connection). */
  readonly difficulties: MinerDifficultyBook | null;
  readonly departed: DepartedSessions;
}

/** Converts a difficulty in miner units (scaled by DUMB_SCRYPT_DIFF) to a target. */
export function minerDifficultyToTarget(config: EdgeConfig, difficulty: number): bigint {
  return difficultyToTarget(difficulty / config.difficultyMultiplier);
}

export function workKey(payoutAddress: string | null, desiredShareTarget: bigint | null, mergedAddress: string | null = null): string {
  return `${payoutAddress ?? ''}|${desiredShareTarget === null ? '' : desiredShareTarget.toString(16)}${mergedAddress === null ? '' : `|${mergedAddress}`}`;
}

/**
 * A template newer than the last new-work event we saw means the event is still in flight:
 * treat its epoch as current, or every solution on it would look dead on arrival.
 */
export function adoptEpoch(ctx: EdgeContext, workId: number, prevHash: Buffer): void {
  if (workId > ctx.workId) {
    ctx.workId = workId;
    ctx.prevHashHex = prevHash.toString('hex');
  }
}
