// The aux service: merged mining (docs/merged-mining.md). For each --merged chain it keeps aux work
// current (getauxblock, or createauxblock ADDRESS), publishes the aux tree's commitment as
// AuxWorkPublished for the edges' coinbases, and turns the parent solutions the edges send
// (SubmitAuxPow) into AuxPoW submissions (getauxblock HASH AUXPOW, or submitauxblock HASH AUXPOW).
// Without --merged the service says there are no merged chains and the edges mine without aux work.
import { readFileSync } from 'node:fs';
import { AuxDefinition, type Aux } from '../gen/p2pool/v1/aux.ts';
import type { Gauge } from '../gen/p2pool/v1/common.ts';
import { RpcCode, RpcError } from '../bus/errors.ts';
import { Events } from '../bus/events.ts';
import { emit } from '../bus/pubsub.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';
import { nodeNetwork } from '../runtime/network.ts';
import { resolveMergedChains } from '../runtime/merged-chains.ts';
import { MergedMining } from './merged-mining.ts';

export type AuxLogic = Logic<Aux>;

const STATS_EVERY_MS = 10_000;

async function loadLogic(ctx: ServiceContext): Promise<AuxLogic> {
  const cfg = ctx.config;
  if (cfg.merged.length === 0) {
    return {
      async start() {
        ctx.log.info('no merged chains configured');
      },
      async GetAuxWork() {
        throw new RpcError(RpcCode.FAILED_PRECONDITION, 'no merged chains configured (--merged URL)');
      },
      async SubmitAuxPow() {
        throw new RpcError(RpcCode.FAILED_PRECONDITION, 'no merged chains configured (--merged URL)');
      },
    };
  }
  const authFile =
    cfg.mergedAuthFile === undefined
      ? undefined
      : { text: readFileSync(cfg.mergedAuthFile, 'utf8'), name: cfg.mergedAuthFile, readFile: (f: string) => readFileSync(f, 'utf8') };
  const chains = resolveMergedChains(cfg.merged, authFile);
  const log = ctx.log;
  const mm = new MergedMining({
    chains,
    net: nodeNetwork(cfg),
    log,
    pollMs: cfg.mergedPollMs,
    publish: (work) => {
      if (work)
        log.info('new aux work', {
          auxWorkId: work.auxWorkId.toString(),
          chains: work.chains.length,
          treeSize: work.treeSize,
          merkleNonce: work.merkleNonce,
        });
      else log.warn('no aux chain has work: edges mine without a merged-mining commitment');
      emit(ctx.bus, Events.auxWorkPublished, { work: work ?? undefined }, ctx.instance).catch((e) =>
        log.warn('publishing AuxWorkPublished failed', { error: (e as Error).message }),
      );
    },
  });
  let statsTimer: NodeJS.Timeout | undefined;
  const snapshot = () => {
    const gauges: Gauge[] = [];
    for (const s of mm.statuses()) {
      gauges.push({ name: 'aux_chain_up', value: s.up ? 1 : 0, labels: { chain: s.label } });
      const c = mm.counters.get(s.label)!;
      for (const [result, n] of [
        ['accepted', c.accepted],
        ['rejected', c.rejected],
        ['error', c.errors],
      ] as const) {
        gauges.push({ name: 'aux_blocks_submitted', value: n, labels: { chain: s.label, result } });
      }
    }
    emit(ctx.bus, Events.statsSnapshot, { service: 'aux', instance: ctx.instance, tsMs: BigInt(Date.now()), gauges }, ctx.instance).catch(
      (e) => log.debug('publishing StatsSnapshot failed', { error: (e as Error).message }),
    );
  };
  return {
    async start() {
      log.info('merged mining', { chains: chains.map((c) => c.label) });
      mm.start();
      statsTimer = setInterval(snapshot, STATS_EVERY_MS);
      statsTimer.unref();
    },
    async stop() {
      clearInterval(statsTimer);
      await mm.stop();
    },
    async GetAuxWork() {
      const w = mm.current;
      if (w === null) {
        const why = mm
          .statuses()
          .map((s) => `${s.label}: ${s.error ?? 'no work yet'}`)
          .join('; ');
        throw new RpcError(RpcCode.UNAVAILABLE, `no aux work (${why})`);
      }
      return w;
    },
    async SubmitAuxPow(req) {
      let results: Awaited<ReturnType<typeof mm.submit>>;
      try {
        results = await mm.submit(req);
      } catch (e) {
        throw new RpcError(RpcCode.INVALID_ARGUMENT, (e as Error).message);
      }
      if (results === null) throw new RpcError(RpcCode.NOT_FOUND, `aux work ${req.auxWorkId} is unknown or too old`);
      return { results };
    },
  };
}

export async function createAuxServer(ctx: ServiceContext, logic?: AuxLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: AuxDefinition,
    impl: bindContract<Aux>(AuxDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
  };
}
