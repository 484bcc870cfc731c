// The edge service shell: Stratum v1 and getwork for miners on the worker port (-w).
// It serves the Edge contract (proto/p2pool/v1/edge.proto) on the bus and hosts an EdgeServer whose
// work comes from the core (core-work/): TemplatePublished → CoreWorkSource.setWork, WorkBasisPublished
// → setBasis. Solutions leave through CoreShareSink: a block to TemplateBuilder.SubmitBlock first, then
// the share to Sharechain.SubmitShare. Worker-port GETs that are not getwork go to the web service.
// Every few seconds the miners' rates go out as a StatsSnapshot (the sharechain sums all edges).
import { readWrapper } from '../core/index.ts';
import { Reader } from '../core/codec/index.ts';
import { EdgeDefinition, type Edge } from '../gen/p2pool/v1/edge.ts';
import type { Gauge } from '../gen/p2pool/v1/common.ts';
import { Events } from '../bus/events.ts';
import { injectContext } from '../bus/otel.ts';
import { emit, on } from '../bus/pubsub.ts';
import type { Closer } from '../bus/types.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';
import { fullNodeChain, nodeNetwork } from '../runtime/network.ts';
import { fullNodeBlockSubmitter } from '../full-node/index.ts';
import { MINER_DEAD_HASH_RATE, MINER_DIFFICULTY, MINER_HASH_RATE } from '../pool/edge-gauges.ts';
import { workBasisFromMessage } from '../pool/contract/work-basis.ts';
import { shareQueueFor } from '../bus/share-queue.ts';
import { SubmitShareRequest } from '../gen/p2pool/v1/sharechain.ts';
import { coinParams } from '../pool/coins.ts';
import { fromBlockTemplate } from '../pool/contract/template.ts';
import { webHandlerFor } from '../runtime/http-get.ts';
import { retryUntil } from '../runtime/retry.ts';
import { auxCommitmentFromMessage, CoreShareSink, CoreWorkSource } from './core-work/index.ts';
import type { AuxWork } from '../gen/p2pool/v1/aux.ts';
import { edgeMetrics } from './metrics.ts';
import { inSpan } from '../runtime/tracing.ts';
import { EdgeServer, edgeConfigForParent, toEdgeLocalStats } from './index.ts';
import { extranoncePrefixFor } from '../pool/extranonce-prefix.ts';
import { BusHandoverLink } from './handover/link.ts';
import { MinerDifficultyBook } from './handover/miner-difficulty.ts';

// endpoints(): the worker port once bound, for the start-up log and `make run`.
export type EdgeLogic = Logic<Edge> & { endpoints?(): Record<string, string> };

const SNAPSHOT_MS = 5_000;
// How long a miner's share answer may wait for the share queue before the share is refused.
const SHARE_STORE_TIMEOUT_MS = 3_000;
const SNAPSHOT_MAX_MINERS = 3_000;

const hexLE = (displayHex: string): Uint8Array => Buffer.from(displayHex, 'hex').reverse();

async function loadLogic(ctx: ServiceContext): Promise<EdgeLogic> {
  const { config, bus, log } = ctx;
  const net = nodeNetwork(config);
  const chain = fullNodeChain(net);
  const coin = coinParams(chain.coin, chain.network);
  // addressRate enables the reference's dust rule (§8.5) from this edge's own pseudoshare rates.
  const work = new CoreWorkSource({ net, log, rates: { addressRate: (a) => edge.ctx.stats.miners.get(a)?.hashrate(Date.now()) ?? 0 } });
  // A block solution goes two ways at once: through the template builder (all its nodes, RPC and P2P)
  // and straight to this edge's configured full node, retried until one of them answers, so no bus
  // outage or template-builder restart can lose it (docs/bus.md, "Blocks").
  const directs = [config.fullNode, ...config.failoverNodes].map((fn) => fullNodeBlockSubmitter(fn, net));
  const queue = ctx.mode === 'cluster' ? shareQueueFor(net) : null;
  const sink = new CoreShareSink({
    submitBlock: (block, meta) =>
      inSpan('p2pool.edge', 'block submit', { 'p2pool.block.hash': meta.hash, 'p2pool.block.height': meta.height }, () => {
        let answered = false;
        const viaBuilder = ctx.clients.templateBuilder
          .SubmitBlock({
            block,
            blockHash: hexLE(meta.hash),
            height: meta.height,
            shareHash: hexLE(meta.hash),
            origin: `edge/${ctx.instance}`,
          })
          .then((r) => {
            answered = true;
            return r;
          });
        // Every configured node at once (--bitcoind-failover): one node being down loses nothing.
        for (const direct of directs) {
          direct
            .submit(block, () => answered)
            .then(
              (r) =>
                log.info('block submitted to the full node directly', {
                  hash: meta.hash,
                  height: meta.height,
                  node: direct.node,
                  status: r.status,
                  reason: r.reason,
                  attempts: r.attempts,
                }),
              (e) =>
                log.error('block solution could not be submitted directly', {
                  hash: meta.hash,
                  height: meta.height,
                  node: direct.node,
                  error: (e as Error).message,
                  via_template_builder: answered,
                }),
            );
        }
        return viaBuilder;
      }),
    // The start of a share's trace: the SubmitShare call (and the sharechain's verify, accept and relay
    // spans behind it) are its children.
    submitShare: (packed, meta) =>
      inSpan('p2pool.edge', 'share submit', { 'p2pool.share.doa': meta.doa }, () => {
        const w = readWrapper(new Reader(packed));
        const req: SubmitShareRequest = {
          share: { type: BigInt(w.type), contents: w.contents },
          doa: meta.doa,
          miner: meta.miner,
          edge: ctx.instance,
          receivedAtMs: BigInt(Date.now()),
          transactions: [],
        };
        if (queue === null) return ctx.clients.sharechain.SubmitShare(req);
        // Cluster: stored in the share queue before the miner hears "accepted"; refused (and the miner
        // told) when NATS cannot take it. Only share-target solutions wait, never pseudoshares.
        if (bus.state() !== 'connected') return Promise.reject(new Error('NATS is unreachable'));
        // The trace context rides along, so the sharechain's spans join this share's trace.
        return bus.persist(queue.spec, queue.topic, SubmitShareRequest.encode(req).finish(), {
          headers: injectContext({}),
          msgId: queue.msgId(meta.hash.toString(16).padStart(64, '0')),
          timeoutMs: SHARE_STORE_TIMEOUT_MS,
        });
      }),
    durable: queue !== null,
    // Merged mining: the aux service builds and submits the AuxPoW; the edge only reports the outcome.
    submitAux: (req, meta) =>
      ctx.clients.aux.SubmitAuxPow(req).then((r) => {
        for (const x of r.results) {
          if (x.accepted) log.info('aux block accepted', { chainId: x.chainId, miner: meta.miner });
          else log.warn('aux block rejected', { chainId: x.chainId, miner: meta.miner, reason: x.reason });
        }
      }),
    log,
  });
  // Shared with the other edges over the bus (docs/rollout.md): miners' difficulty, and submits on each other's jobs.
  const difficulties = new MinerDifficultyBook();
  const workerPort = config.workerPort ?? net.WORKER_PORT;
  const edge = new EdgeServer({
    config: {
      ...edgeConfigForParent(net.PARENT),
      host: config.workerHost ?? '0.0.0.0',
      port: workerPort,
      extranoncePrefix: extranoncePrefixFor(ctx.instance),
      version: `p2pool-ts/${ctx.version}`,
      drainWindowMs: config.drainWindow * 1000,
      reconnectTo: config.drainReconnect
        ? { host: config.drainReconnect.host, port: config.drainReconnect.port || workerPort, waitSeconds: 0 }
        : null,
    },
    workSource: work,
    shareSink: sink,
    webHandler: webHandlerFor(ctx.clients.web),
    handover: new BusHandoverLink(ctx.bus),
    difficulties,
  });

  // Ready = there is work to hand out (a template, and a synced basis for its block bits).
  const workCheck = () => {
    const why = work.unavailableReason();
    ctx.health.setCheck('work', why === null, why ?? `work ${work.workId}`);
  };
  ctx.health.setCheck('work', false, 'waiting for a template and a work basis');
  work.onNewWork(() => workCheck());

  const setTemplate = (t: Parameters<typeof fromBlockTemplate>[0]) => {
    try {
      work.setWork(fromBlockTemplate(t, coin));
    } catch (e) {
      log.warn('unusable template from the template builder', { error: (e as Error).message, template_id: t.templateId });
    }
  };
  const setBasis = (b: Parameters<typeof workBasisFromMessage>[0]) => {
    try {
      work.setBasis(workBasisFromMessage(b));
    } catch (e) {
      log.warn('unusable work basis from the sharechain', { error: (e as Error).message, basis_id: b.basisId });
    }
  };

  const setAux = (w: AuxWork | undefined) => {
    try {
      work.setAuxWork(w === undefined ? null : auxCommitmentFromMessage(w));
    } catch (e) {
      log.warn('unusable aux work from the aux service; mining without it', { error: (e as Error).message });
      work.setAuxWork(null);
    }
  };

  const closers: Closer[] = [];
  let snapshots: NodeJS.Timeout | undefined;
  let stopMetrics: (() => void) | undefined;
  let stopped = false;

  // Work published before this edge subscribed: asked for, retried while the others come up.
  let round = 0;
  const catchUp = () =>
    retryUntil(
      async () => {
        // Every few seconds: what the edge still waits for before miners get work.
        if (++round % 5 === 0) {
          log.info('waiting for work', {
            ...(work.currentWork ? {} : { template: 'none yet from the template builder (TemplateBuilder.GetTemplate)' }),
            ...(work.currentBasis ? {} : { work_basis: 'none yet from the sharechain (Sharechain.GetWorkBasis)' }),
          });
        }
        if (!work.currentWork)
          await ctx.clients.templateBuilder.GetTemplate({}).then(
            (r) => {
              if (r.template && !work.currentWork) setTemplate(r.template);
            },
            () => undefined,
          );
        if (!work.currentBasis)
          await ctx.clients.sharechain.GetWorkBasis({}).then(
            (b) => {
              if (!work.currentBasis) setBasis(b);
            },
            () => undefined,
          );
        return !!work.currentWork && !!work.currentBasis;
      },
      { stopped: () => stopped, delayMs: 1000 },
    );

  const snapshot = () => {
    const stats = toEdgeLocalStats(edge, ctx.instance);
    const gauges: Gauge[] = [];
    // The busiest miners only, so one snapshot stays well under NATS's 1 MB message limit on an edge
    // with tens of thousands of connections; the rest count in edge_connections.
    const miners =
      stats.miners.length > SNAPSHOT_MAX_MINERS
        ? [...stats.miners].sort((x, y) => y.hashRate - x.hashRate).slice(0, SNAPSHOT_MAX_MINERS)
        : stats.miners;
    for (const m of miners) {
      gauges.push({ name: MINER_HASH_RATE, value: m.hashRate, labels: { user: m.user } });
      gauges.push({ name: MINER_DEAD_HASH_RATE, value: m.deadHashRate, labels: { user: m.user } });
      if (m.difficulty > 0) gauges.push({ name: MINER_DIFFICULTY, value: m.difficulty, labels: { address: m.address } });
    }
    gauges.push({ name: 'edge_connections', value: stats.connections, labels: {} });
    emit(bus, Events.statsSnapshot, { service: 'edge', instance: ctx.instance, tsMs: BigInt(Date.now()), gauges }, ctx.instance).catch(
      (e) => log.debug('publishing StatsSnapshot failed', { error: (e as Error).message }),
    );
  };

  const drain = async (opts: Parameters<EdgeServer['drain']>[0] = {}) => {
    ctx.health.setCheck('work', false, 'draining');
    const r = await edge.drain(opts);
    ctx.health.setCheck('work', false, 'drained');
    log.info('edge drained', { ...r, forwarded_back: edge.ctx.counters.handedBack });
    return r;
  };

  return {
    endpoints(): Record<string, string> {
      return edge.port ? { worker: `stratum+tcp://${edge.config.host}:${edge.port}` } : {};
    },
    async GetLocalStats() {
      // Blocks: those a full node accepted, not every block solution submitted (on regtest nearly
      // every pseudoshare meets the block target).
      return { ...toEdgeLocalStats(edge, ctx.instance), blocks: BigInt(sink.counters.blocksAccepted) };
    },
    async Drain(req) {
      return drain({
        reconnectHost: req.reconnectHost || undefined,
        reconnectPort: req.reconnectPort || undefined,
        waitSeconds: req.waitSeconds || undefined,
        deadlineMs: Number(req.deadlineMs) || undefined,
      }).then((r) => ({ connectionsBefore: r.connectionsBefore, connectionsRemaining: r.connectionsRemaining }));
    },
    async start() {
      await difficulties
        .attach(ctx.bus)
        .catch((e) =>
          log.warn('shared miner difficulties unavailable: vardiff starts afresh per connection', { error: (e as Error).message }),
        );
      closers.push({ close: () => difficulties.close() });
      closers.push(
        await on(bus, Events.auxWorkPublished, (m) => setAux(m.work)),
        // No template = the template builder has no ready full node: jobs are withdrawn until it does.
        await on(bus, Events.templatePublished, (m) => {
          if (m.template) setTemplate(m.template);
          else work.setWork(null);
        }),
        await on(bus, Events.workBasisPublished, (m) => {
          if (m.basis) setBasis(m.basis);
        }),
      );
      const port = await edge.start();
      log.info('worker port listening', { port, host: edge.config.host, url: `stratum+tcp://${edge.config.host}:${port}` });
      void catchUp();
      // Aux work published before this edge subscribed (none without --merged: FAILED_PRECONDITION).
      void ctx.clients.aux.GetAuxWork({}).then(
        (w) => {
          if (work.currentAux === null) setAux(w);
        },
        () => undefined,
      );
      snapshots = setInterval(snapshot, SNAPSHOT_MS);
      snapshots.unref();
      stopMetrics = edgeMetrics(edge);
    },
    // SIGTERM: miners are told to reconnect (to another edge behind the Service) before the port closes.
    async drain() {
      await drain();
    },
    async stop() {
      stopped = true;
      stopMetrics?.();
      clearInterval(snapshots);
      await Promise.allSettled(closers.map((c) => c.close()));
      await edge.stop();
      for (const direct of directs) direct.close();
    },
  };
}

export async function createEdgeServer(ctx: ServiceContext, logic?: EdgeLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: EdgeDefinition,
    impl: bindContract<Edge>(EdgeDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
    endpoints: l.endpoints?.bind(l),
  };
}
