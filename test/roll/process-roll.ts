// The roll at process level (no cluster): N edges behind a TestLoadBalancer (the Service's stand-in),
// the stratum load generator's simulated miners plus our CPU miner, and a roll that replaces every
// edge: a new edge comes up (surge), the old one leaves the rotation and drains. The edges share what
// they share in the cluster — the miners' difficulties (KV) and each other's jobs (handover subjects) —
// over one in-process bus. Work is static sha256d work (no full node: the roll is what is measured),
// and the sink records every share handed over, standing in for the sharechain's input.
import { InProcBus } from '../../services/bus/inproc.ts';
import { EdgeServer, StaticWorkSource, type ShareSink, type Solution } from '../../services/edge/index.ts';
import { BusHandoverLink } from '../../services/edge/handover/link.ts';
import { MinerDifficultyBook } from '../../services/edge/handover/miner-difficulty.ts';
import { CpuMiner } from '../../services/miner/index.ts';
import { TestLoadBalancer } from '../harness/test-load-balancer.ts';
import { basis, sleep, until } from '../edge/harness.ts';
import { LoadGenerator, type RollFigures } from '../load/load-generator.ts';

export interface ProcessRollOptions {
  edges?: number;
  miners?: number;
  /** Hashes per second per simulated miner. */
  hashrate?: number;
  /** Drain window per edge, ms. */
  windowMs?: number;
  /** Time the miners run before the roll (vardiff settles) and after it. */
  warmupMs?: number;
  cooldownMs?: number;
  /** Publish a new block in the middle of the roll (stale rejects then appear, counted apart). */
  newBlockDuringRoll?: boolean;
  cpuMiner?: boolean;
  /** How long simulated miners keep hashing the old job after a reconnect (an ASIC's work queue). */
  workQueueMs?: number;
  log?: (msg: string) => void;
}

export interface ProcessRollResult {
  figures: RollFigures;
  /** Shares acknowledged to a miner and not in the sink; shares in the sink more than once. */
  sharesLost: number;
  sharesDuplicated: number;
  sharesInSink: number;
  rollMs: number;
  forwarded: number;
  forwardedAccepted: number;
  cpu: { accepted: number; rejected: number; stale: number; reconnects: number; rejectReasons: Record<string, number> } | null;
  edgesRolled: number;
  refusedByLoadBalancer: number;
  /** The stratum difficulty a fresh connection starts at (the pool's initial pseudoshare target). */
  initialDifficulty: number;
  /** Reconnects where the miner's difficulty before it was still the initial one (vardiff had not moved yet). */
  reconnectsAtInitialDifficulty: number;
  /** [before, after] for reconnects after which the difficulty was not the one before. */
  difficultyChanges: Array<[number, number]>;
}

class RecordingSink implements ShareSink {
  readonly shares = new Map<string, number>();
  submitBlock(): void {
    /* blocks are also shares here */
  }
  submitShare(s: Solution): void {
    const h = s.powHash.toString(16).padStart(64, '0');
    this.shares.set(h, (this.shares.get(h) ?? 0) + 1);
  }
}

// Easy targets for JS hashing: a share is 1 in 4096 hashes, a block never (so no new-block event
// unless the scenario publishes one).
const SHARE_TARGET = 1n << 244n;
// 1 in 16: with 64 H/s a miner submits 4/s at first; vardiff halves that within seconds, so every
// miner's difficulty has moved away from the initial one before the roll (what must survive it).
const INITIAL_PSEUDOSHARE = 1n << 252n;

export async function runProcessRoll(o: ProcessRollOptions = {}): Promise<ProcessRollResult> {
  const log = o.log ?? (() => undefined);
  const nEdges = o.edges ?? 3;
  const windowMs = o.windowMs ?? 3_000;
  const bus = new InProcBus({ prefix: 'rolltest' });
  const work = new StaticWorkSource(basis({ shareTarget: SHARE_TARGET, blockTarget: 1n, pseudoshareTarget: INITIAL_PSEUDOSHARE }));
  const sink = new RecordingSink();
  const lb = new TestLoadBalancer();
  await lb.start();
  const live: Array<{ name: string; edge: EdgeServer; book: MinerDifficultyBook }> = [];
  let nextPrefix = 0;
  const startEdge = async () => {
    const prefix = nextPrefix++;
    const book = new MinerDifficultyBook();
    await book.attach(bus);
    const edge = new EdgeServer({
      config: { host: '127.0.0.1', port: 0, extranoncePrefix: { value: prefix, bits: 8 }, drainWindowMs: windowMs, drainGraceMs: 5_000 },
      workSource: work,
      shareSink: sink,
      handover: new BusHandoverLink(bus),
      difficulties: book,
    });
    const port = await edge.start();
    const name = `edge-${prefix}`;
    lb.add(name, port);
    live.push({ name, edge, book });
    return name;
  };
  for (let i = 0; i < nEdges; i++) await startEdge();

  const load = new LoadGenerator({
    host: '127.0.0.1',
    port: lb.port,
    miners: o.miners ?? 200,
    hashrate: o.hashrate ?? 64,
    shareTarget: SHARE_TARGET,
    workQueueMs: o.workQueueMs ?? 500,
  });
  const cpu =
    o.cpuMiner === false
      ? null
      : new CpuMiner({
          // A fixed pseudoshare difficulty (`+N`, about one submit a second at 2,000 H/s), as cpuminer users often
          // set: the simulated miners exercise vardiff across the moves, this one the plain path.
          host: '127.0.0.1',
          port: lb.port,
          username: 'cpu-miner+0.0000005',
          algorithm: 'sha256d',
          threads: 1,
          maxHashrate: 2_000,
          reconnectMs: 200,
        });
  const counters = { forwarded: 0, forwardedAccepted: 0 };
  const drained: Promise<unknown>[] = [];
  let rollMs = 0;
  let rolled = 0;
  try {
    await load.start();
    await cpu?.start();
    await until(() => load.allWorking, 20_000);
    await sleep(o.warmupMs ?? 8_000);
    log(`warm: ${JSON.stringify(load.figures())}`);

    // The roll: surge one new edge, take the old one out of rotation, drain it; one edge at a time.
    const t0 = Date.now();
    const olds = live.slice(0, nEdges);
    for (let i = 0; i < olds.length; i++) {
      const old = olds[i]!;
      await startEdge();
      lb.setReady(old.name, false);
      if (o.newBlockDuringRoll && i === 1) {
        setTimeout(
          () =>
            work.publish(
              basis({
                shareTarget: SHARE_TARGET,
                blockTarget: 1n,
                pseudoshareTarget: INITIAL_PSEUDOSHARE,
                prevHash: Buffer.alloc(32, 0x5a),
              }),
              true,
            ),
          windowMs / 2,
        ).unref();
      }
      const d = old.edge.drain();
      drained.push(d);
      const r = await d;
      counters.forwarded += old.edge.ctx.counters.forwarded;
      counters.forwardedAccepted += old.edge.ctx.counters.forwardedAccepted;
      lb.remove(old.name);
      await old.book.close();
      rolled++;
      log(
        `drained ${old.name}: ${JSON.stringify(r)} handed back ${old.edge.ctx.counters.handedBack} (${old.edge.ctx.counters.handedBackAccepted} accepted)`,
      );
    }
    rollMs = Date.now() - t0;
    await sleep(o.cooldownMs ?? 3_000);
    await load.quiesce();
  } finally {
    load.stop();
    await cpu?.stop();
    await Promise.allSettled(drained);
    for (const e of live.slice(rolled)) {
      counters.forwarded += e.edge.ctx.counters.forwarded;
      counters.forwardedAccepted += e.edge.ctx.counters.forwardedAccepted;
      await e.edge.stop();
      await e.book.close();
    }
    await lb.close();
    await bus.drain();
  }
  let lost = 0;
  const acked = new Set<string>();
  for (const r of load.records())
    for (const h of r.acceptedShares) {
      acked.add(h);
      if (!sink.shares.has(h)) lost++;
    }
  let dup = 0;
  for (const n of sink.shares.values()) if (n > 1) dup += n - 1;
  const c = cpu?.stats();
  const initialDifficulty = Number(((0xffffn << 208n) * 2n ** 32n) / INITIAL_PSEUDOSHARE) / 2 ** 32;
  let atInitial = 0;
  const changes: Array<[number, number]> = [];
  for (const r of load.records()) {
    for (let i = 0; i < r.difficultyBefore.length; i++) {
      if (Math.abs(r.difficultyBefore[i]! - initialDifficulty) < initialDifficulty * 1e-9) atInitial++;
      if (r.difficultyAfter[i] !== undefined && r.difficultyAfter[i] !== r.difficultyBefore[i])
        changes.push([r.difficultyBefore[i]!, r.difficultyAfter[i]!]);
    }
  }
  return {
    figures: load.figures(),
    sharesLost: lost,
    sharesDuplicated: dup,
    sharesInSink: sink.shares.size,
    rollMs,
    forwarded: counters.forwarded,
    forwardedAccepted: counters.forwardedAccepted,
    cpu: c
      ? { accepted: c.accepted, rejected: c.rejected, stale: c.stale, reconnects: c.reconnects, rejectReasons: c.rejectReasons }
      : null,
    edgesRolled: rolled,
    refusedByLoadBalancer: lb.refused,
    initialDifficulty,
    reconnectsAtInitialDifficulty: atInitial,
    difficultyChanges: changes,
  };
}
