// A WorkSource over fixed templates, for tests, benches and running the edge without a core.
// `publish` is the new-work event; every key gets the same coinbase (payout is not modelled).
import type { JobTemplate, NewWorkEvent, WorkRequest, WorkSource } from './work-source.ts';
import { WorkUnavailableError } from './work-source.ts';

export type TemplateBasis = Omit<JobTemplate, 'workId'>;

export class StaticWorkSource implements WorkSource {
  private basis: TemplateBasis | null;
  private workId = 0;
  private readonly listeners = new Set<(ev: NewWorkEvent) => void>();
  /** Every request seen, for tests that check the key the edge asked for. */
  readonly requests: WorkRequest[] = [];
  recordRequests = false;

  constructor(basis: TemplateBasis | null) {
    this.basis = basis;
  }

  get currentWorkId(): number {
    return this.workId;
  }

  getJobTemplate(req: WorkRequest): JobTemplate {
    if (this.recordRequests) this.requests.push(req);
    if (this.basis === null) throw new WorkUnavailableError('p2pool is downloading shares');
    const shareTarget =
      req.desiredShareTarget !== null && req.desiredShareTarget < this.basis.shareTarget
        ? req.desiredShareTarget > this.basis.blockTarget
          ? req.desiredShareTarget
          : this.basis.blockTarget
        : this.basis.shareTarget;
    return { ...this.basis, shareTarget, workId: this.workId };
  }

  onNewWork(listener: (ev: NewWorkEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Replaces the basis (null = no work) and fires a new-work event. */
  publish(basis: TemplateBasis | null, newBlock?: boolean): void {
    const prev = this.basis;
    this.basis = basis;
    this.workId++;
    if (basis === null) return;
    const ev: NewWorkEvent = {
      workId: this.workId,
      prevHash: basis.prevHash,
      newBlock: newBlock ?? (prev === null || !prev.prevHash.equals(basis.prevHash)),
    };
    for (const l of this.listeners) l(ev);
  }
}
