// CoreWorkSource: the edge's WorkSource backed by the consensus core. Two inputs — the template
// builder's Work (setWork) and the sharechain's work basis (setBasis) — and one job per
// (payout address, share target) and work epoch, built synchronously with the core's own
// generateTransaction on a WorkBasisView and cached, so the fan-out to thousands of connections of
// the same key costs one build.
//
// Epochs follow the reference's new-work events (docs/protocol.md §8.1): a new previous block, version or bits,
// the transaction list going from empty to non-empty, or a new work basis (best share, stale_info,
// punish state, sync state). A template that only changed its transactions replaces the work for
// jobs built from now on but is no event, as in the reference (miners move to it at the next one).
// Changes in the same turn of the event loop (the template and the basis that follows it) make one
// event.
import { ByteArena, type Network } from '../../core/index.ts';
import type { Work } from '../../pool/work/template.ts';
import type { WorkBasis } from '../../pool/work/basis.ts';
import { WorkBasisView, BasisMismatchError } from '../../pool/work/basis-view.ts';
import { WorkUnavailableError, type JobTemplate, type NewWorkEvent, type WorkRequest, type WorkSource } from '../work-source.ts';
import { buildJob, prepareWork, type AuxCommitment, type GenerationMode, type WorkContext } from './job-builder.ts';
import type { LocalRates } from './targets.ts';

export interface CoreWorkLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface CoreWorkOptions {
  net: Network;
  /** -f/--fee: percent of jobs that pay the node's address. Default: the basis's (the sharechain's config). */
  workerFeePercent?: number;
  /** --give-author: donation percent. Default: the basis's. */
  donationPercent?: number;
  /** --coinbtext: extra pushes in the coinbase script (§4.6). */
  coinbaseTexts?: readonly (string | Buffer)[];
  /** Local hash rates for the §8.5 policy (see targets.ts). */
  rates?: LocalRates;
  /** 'fast' (default) or 'core' (the literal generateTransaction with the decoded template, per job: for checks). */
  mode?: GenerationMode;
  /** Seconds since the epoch (share timestamps). */
  now?: () => number;
  random?: () => number;
  log?: CoreWorkLog;
  /** Cached jobs per epoch before the cache starts over (a bound on memory, not a policy). */
  maxCachedJobs?: number;
}

export interface CoreWorkStats {
  workId: number;
  jobsBuilt: number;
  cacheHits: number;
  /** Time spent in job builds (ms): total and the last one. */
  buildMsTotal: number;
  lastBuildMs: number;
  /** Time to prepare the last work (transaction selection, ms). */
  lastPrepareMs: number;
  cachedJobs: number;
  events: number;
  unavailable: string | null;
}

const NULL_LOG: CoreWorkLog = { info() {}, warn() {} };

export class CoreWorkSource implements WorkSource {
  readonly net: Network;
  readonly view: WorkBasisView;
  private readonly opts: CoreWorkOptions;
  private readonly log: CoreWorkLog;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly texts: Buffer[];
  private readonly maxCached: number;
  private readonly listeners = new Set<(ev: NewWorkEvent) => void>();

  private work: Work | null = null;
  private aux: AuxCommitment | null = null;
  private basis: WorkBasis | null = null;
  private basisKey = '';
  private basisError: string | null = null;
  private context: WorkContext | null = null;
  private contextError: Error | null = null;
  private readonly cache = new Map<string, JobTemplate>();
  private arena = new ByteArena();
  private epoch = 0;
  private notifyScheduled = false;
  private lastEventPrev: string | null = null;
  private readonly counters = { jobsBuilt: 0, cacheHits: 0, buildMsTotal: 0, lastBuildMs: 0, lastPrepareMs: 0, events: 0 };

  constructor(opts: CoreWorkOptions) {
    this.opts = opts;
    this.net = opts.net;
    this.view = new WorkBasisView(opts.net);
    this.log = opts.log ?? NULL_LOG;
    this.clock = opts.now ?? (() => Date.now() / 1000);
    this.random = opts.random ?? Math.random;
    this.texts = (opts.coinbaseTexts ?? []).map((t) => (typeof t === 'string' ? Buffer.from(t, 'utf8') : t));
    this.maxCached = opts.maxCachedJobs ?? 100_000;
  }

  /** Current new-work event count. */
  get workId(): number {
    return this.epoch;
  }

  get currentWork(): Work | null {
    return this.work;
  }

  get currentBasis(): WorkBasis | null {
    return this.basis;
  }

  // ---- inputs ----

  /** A template from the template builder (every publication), or null when no full node is ready. */
  setWork(work: Work | null): void {
    const prev = this.work;
    this.work = work;
    this.context = null;
    this.contextError = null;
    if (work === null) {
      if (prev !== null) this.newEpoch('no work');
      return;
    }
    // The reference's new-work triggers (§8.1); a transaction-only update just replaces the work.
    const event =
      prev === null ||
      prev.previousBlock !== work.previousBlock ||
      prev.version !== work.version ||
      prev.bits !== work.bits ||
      (prev.transactions.length === 0 && work.transactions.length > 0);
    if (event) this.newEpoch('template');
  }

  /**
   * Merged-mining work from the aux service, or null without it. A new commitment is a new-work event
   * (as in the reference): the coinbase changes. Parent mining never waits for it.
   */
  setAuxWork(aux: AuxCommitment | null): void {
    const prev = this.aux;
    if (prev === aux || (prev !== null && aux !== null && prev.auxWorkId === aux.auxWorkId)) return;
    this.aux = aux;
    this.context = null;
    this.contextError = null;
    this.newEpoch('aux');
  }

  get currentAux(): AuxCommitment | null {
    return this.aux;
  }

  /** A work basis from the sharechain. Identical republications (bus replays) change nothing. */
  setBasis(basis: WorkBasis): void {
    const key = [
      basis.network,
      basis.syncState,
      basis.previousShareHash,
      basis.shareVersion,
      basis.desiredVersion,
      basis.height,
      basis.blockBits,
      basis.staleInfo,
      basis.punishAggressively,
      basis.nodeAddress,
      basis.workerFeePercent,
      basis.donationPercent,
      basis.gentxSize,
      basis.gentxWeight,
      basis.pplns?.total,
      basis.chain.length,
    ].join('/');
    if (key === this.basisKey && this.basis !== null) {
      this.basis = basis;
      return;
    }
    try {
      this.view.update(basis);
      this.basisError = null;
    } catch (e) {
      // A basis we cannot use (another network, a share that does not parse): no work until a good one.
      this.basisError = `unusable work basis: ${(e as Error).message}`;
      this.log.warn(this.basisError, { basisId: basis.basisId });
    }
    this.basis = basis;
    this.basisKey = key;
    this.context = null;
    this.contextError = null;
    this.newEpoch('basis');
  }

  // ---- WorkSource ----

  onNewWork(listener: (ev: NewWorkEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  getJobTemplate(req: WorkRequest): JobTemplate {
    const key = `${req.payoutAddress ?? ''}|${req.desiredShareTarget === null ? '' : req.desiredShareTarget.toString(16)}|${req.mergedAddress ?? ''}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.counters.cacheHits++;
      return hit;
    }
    const ctx = this.requireContext();
    const t0 = performance.now();
    let job: JobTemplate;
    try {
      job = buildJob(ctx, req, {
        workId: this.epoch,
        arena: this.arena,
        random: this.random,
        now: this.clock(),
        feePercent: this.opts.workerFeePercent ?? ctx.basis.workerFeePercent,
        donationPercent: this.opts.donationPercent ?? ctx.basis.donationPercent,
        rates: this.opts.rates ?? {},
      });
    } catch (e) {
      if (e instanceof BasisMismatchError) throw new WorkUnavailableError(`waiting for the next work basis: ${e.message}`);
      throw e;
    }
    const ms = performance.now() - t0;
    this.counters.jobsBuilt++;
    this.counters.buildMsTotal += ms;
    this.counters.lastBuildMs = ms;
    if (this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(key, job);
    return job;
  }

  /** Why there is no work right now, or null when jobs can be built. */
  unavailableReason(): string | null {
    try {
      this.requireContext();
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }

  stats(): CoreWorkStats {
    return { workId: this.epoch, ...this.counters, cachedJobs: this.cache.size, unavailable: this.unavailableReason() };
  }

  // ---- internals ----

  /** The per-(work, basis) preparation, or the reference-style reason there is no work (docs/protocol.md §8.7 -12345 errors). */
  private requireContext(): WorkContext {
    if (this.context !== null) return this.context;
    if (this.contextError !== null) throw this.contextError;
    const b = this.basis;
    const w = this.work;
    let reason: string | null = null;
    if (w === null) reason = 'lost contact with the full node: no block template';
    else if (b === null) reason = 'p2pool is starting: no work basis from the sharechain yet';
    else if (this.basisError !== null) reason = this.basisError;
    else if (b.syncState !== 'synced') reason = `p2pool is downloading shares (sharechain ${b.syncState})`;
    else if (b.blockBits === null || b.pplns === null) reason = 'p2pool is downloading shares (no PPLNS window yet)';
    else if (b.blockBits !== w.bits)
      reason = `waiting for the work basis of block bits ${w.bits.toString(16)} (basis has ${b.blockBits.toString(16)})`;
    if (reason !== null) throw new WorkUnavailableError(reason);
    const t0 = performance.now();
    try {
      this.context = prepareWork(this.net, this.view, b!, w!, this.opts.mode ?? 'fast', this.texts, this.aux);
    } catch (e) {
      this.contextError = new WorkUnavailableError(`cannot build work on this template: ${(e as Error).message}`);
      this.log.warn(this.contextError.message);
      throw this.contextError;
    }
    this.counters.lastPrepareMs = performance.now() - t0;
    return this.context;
  }

  private newEpoch(why: string): void {
    this.epoch++;
    this.cache.clear();
    this.arena = new ByteArena();
    void why;
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    // One event for changes of the same turn (a template and the basis the sharechain derives from it).
    setImmediate(() => this.fire());
  }

  private fire(): void {
    this.notifyScheduled = false;
    const w = this.work;
    if (w === null) {
      // Lost the template: one event on the last previous block, so the edge drops its current jobs
      // (its sessions then wait, getJobTemplate refusing) and readiness checks see the change.
      if (this.lastEventPrev === null) return;
      this.emit({ workId: this.epoch, prevHash: Buffer.from(this.lastEventPrev, 'hex').reverse(), newBlock: false });
      return;
    }
    // Prepare the work now (transaction selection), before the edge's fan-out asks for jobs. When there
    // is no work (not synced, basis for other bits) the event still goes out: the edge then drops its
    // current jobs and its sessions wait until the next event.
    this.unavailableReason();
    const prevHex = w.previousBlockHex;
    const ev: NewWorkEvent = {
      workId: this.epoch,
      prevHash: Buffer.from(prevHex, 'hex').reverse(),
      newBlock: this.lastEventPrev !== null && this.lastEventPrev !== prevHex,
    };
    this.lastEventPrev = prevHex;
    this.emit(ev);
  }

  private emit(ev: NewWorkEvent): void {
    this.counters.events++;
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch (e) {
        this.log.warn('new-work listener failed', { error: (e as Error).message });
      }
    }
  }
}
