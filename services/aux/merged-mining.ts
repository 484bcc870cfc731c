// The aux service's logic: one ChainPoller per --merged chain, the aux tree over the chains that have
// work (AuxWorkBook), publication of each new AuxWork, and AuxPoW submission for solutions the edges
// report. Counters for logs, StatsSnapshot gauges and /metrics. docs/merged-mining.md.
import { metrics, type Counter } from '@opentelemetry/api';
import type { Network } from '../core/index.ts';
import type { AuxSubmitResult, AuxWork, SubmitAuxPowRequest } from '../gen/p2pool/v1/aux.ts';
import { AuxDaemon, type AuxBlock } from './aux-daemon.ts';
import { AuxWorkBook } from './aux-work.ts';
import { ChainPoller, type ChainStatus, type PollerLog } from './chain-poller.ts';
import type { AuxChainConfig } from '../runtime/merged-chains.ts';
import { submitAuxSolution } from './submit.ts';

export interface MergedMiningOptions {
  chains: readonly AuxChainConfig[];
  net: Network;
  log: PollerLog;
  /** Called with each new AuxWork, or null when no chain has work. */
  publish(work: AuxWork | null): void;
  pollMs?: number;
  maxBackoffMs?: number;
  staleAfterMs?: number;
  daemonTimeoutMs?: number;
}

export interface ChainCounters {
  submitted: number;
  accepted: number;
  rejected: number;
  errors: number;
  lastReason: string;
}

export class MergedMining {
  readonly pollers: ChainPoller[];
  readonly book = new AuxWorkBook();
  readonly counters = new Map<string, ChainCounters>();
  private readonly o: MergedMiningOptions;
  private readonly blocks = new Map<string, AuxBlock>();
  private publishScheduled = false;
  /** Aux blocks solved or being submitted (label/hash), newest last; bounded. */
  private readonly claimed = new Set<string>();
  private readonly submitted: Counter;

  constructor(o: MergedMiningOptions) {
    this.o = o;
    this.pollers = o.chains.map((chain) => {
      this.counters.set(chain.label, { submitted: 0, accepted: 0, rejected: 0, errors: 0, lastReason: '' });
      return new ChainPoller(new AuxDaemon(chain, { timeoutMs: o.daemonTimeoutMs, net: o.net }), {
        pollMs: o.pollMs,
        maxBackoffMs: o.maxBackoffMs,
        staleAfterMs: o.staleAfterMs,
        log: o.log,
        onChange: (b) => this.chainChanged(chain.label, b),
      });
    });
    const meter = metrics.getMeter('p2pool.aux');
    this.submitted = meter.createCounter('p2pool.aux.blocks.submitted', {
      description: 'aux blocks submitted to merged chains, by chain and result',
    });
    meter.createObservableGauge('p2pool.aux.chain.up', { description: "1 while the aux chain's daemon gives work" }).addCallback((r) => {
      for (const s of this.statuses()) r.observe(s.up ? 1 : 0, { chain: s.label });
    });
  }

  start(): void {
    for (const p of this.pollers) p.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }

  get current(): AuxWork | null {
    return this.book.current?.work ?? null;
  }

  statuses(): ChainStatus[] {
    return this.pollers.map((p) => p.status);
  }

  /** A parent solution for aux work `auxWorkId`; results for each chain whose target it met. */
  async submit(req: SubmitAuxPowRequest): Promise<AuxSubmitResult[] | null> {
    const booked = this.book.get(req.auxWorkId);
    if (booked === null) return null;
    return submitAuxSolution(
      {
        net: this.o.net,
        log: this.o.log,
        claim: (label, hash) => {
          const key = `${label}/${hash.toString(16)}`;
          if (this.claimed.has(key)) return false;
          this.claimed.add(key);
          if (this.claimed.size > 1024) this.claimed.delete(this.claimed.values().next().value!);
          return true;
        },
        release: (label, hash) => {
          this.claimed.delete(`${label}/${hash.toString(16)}`);
        },
        submitBlock: (label, hex) => this.pollers.find((p) => p.daemon.chain.label === label)!.daemon.submitBlock(hex),
        submit: (label, hash, hex) => this.pollers.find((p) => p.daemon.chain.label === label)!.daemon.submit(hash, hex),
        record: (label, chainId, result, reason) => {
          const c = this.counters.get(label)!;
          c.submitted++;
          if (result === 'accepted') c.accepted++;
          else if (result === 'rejected') c.rejected++;
          else c.errors++;
          c.lastReason = reason;
          this.submitted.add(1, { chain: label, chain_id: chainId, result });
        },
      },
      booked,
      req,
    );
  }

  private chainChanged(label: string, block: AuxBlock | null): void {
    if (block === null) this.blocks.delete(label);
    else this.blocks.set(label, block);
    // Changes of one turn (several daemons answering together) make one publication.
    if (this.publishScheduled) return;
    this.publishScheduled = true;
    setImmediate(() => {
      this.publishScheduled = false;
      const chains = this.o.chains
        .filter((c) => this.blocks.has(c.label))
        .map((c) => ({ label: c.label, block: this.blocks.get(c.label)! }));
      const { booked, skipped } = this.book.publish(chains);
      for (const s of skipped)
        this.o.log.warn('two merged chains have the same chain id: mining only the first', { chain: s.label, chainId: s.block.chainId });
      this.o.publish(booked?.work ?? null);
    });
  }
}
