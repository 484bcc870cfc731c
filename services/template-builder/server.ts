// The template-builder service shell: turns full-node templates into work and submits blocks.
// It serves the TemplateBuilder contract (proto/p2pool/v1/template_builder.proto) on the bus: every new
// work goes out as TemplatePublished (the edges and the sharechain build on it), SubmitBlock hands a
// found block to every full node and records the answers as a durable BlockSubmitted.
import { ServingStatus } from '../gen/p2pool/v1/common.ts';
import { TemplateBuilderDefinition, type TemplateBuilder as TemplateBuilderContract } from '../gen/p2pool/v1/template_builder.ts';
import { Events } from '../bus/events.ts';
import { emit } from '../bus/pubsub.ts';
import { RpcCode, RpcError } from '../bus/errors.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';
import { LOCAL_TEMPLATE_BUILDER } from '../runtime/local.ts';
import { fullNodeChain, nodeNetwork } from '../runtime/network.ts';
import { TemplateBuilder } from './builder.ts';
import { hexFromLE } from '../core/index.ts';
import { fullNodeWallet, templateNodeConfig } from './full-node.ts';
import { blockSubmissions, templateBuilderMetrics } from './metrics.ts';
import { inSpan } from '../runtime/tracing.ts';
import { toBlockTemplate } from '../pool/contract/template.ts';
import { toBuilderStatus, toSubmitBlockResponse, toTemplateReason } from './contract.ts';

export type TemplateBuilderLogic = Logic<TemplateBuilderContract>;

async function loadLogic(ctx: ServiceContext): Promise<TemplateBuilderLogic> {
  const net = nodeNetwork(ctx.config);
  const { coin, network } = fullNodeChain(net);
  // --bitcoind-* and every --bitcoind-failover: work from the best ready node, blocks to all of them.
  const nodes = [ctx.config.fullNode, ...ctx.config.failoverNodes].map((fn) => templateNodeConfig(fn, net));
  const tb = new TemplateBuilder({ coin, network, nodes });
  // The builder itself, for in-process neighbours (the peer gateway offers peers' block headers to it).
  ctx.local?.provide(LOCAL_TEMPLATE_BUILDER, tb);
  const log = ctx.log;

  // Not ready until a full node gives work: the edges have nothing to hand out before that.
  ctx.health.setStatus(ServingStatus.NOT_SERVING);
  ctx.health.setCheck('full-node', false, 'waiting for a block template');
  tb.on('log', (level, message) => log[level](message));
  tb.on('node-state', (id, state) => {
    log[state.status === 'ready' ? 'info' : 'warn'](`full node ${id}: ${state.status}`, { detail: state.message });
    if (!tb.currentWork) ctx.health.setCheck('full-node', false, `${id}: ${state.status} (${state.message})`);
  });
  tb.on('work', (ev) => {
    ctx.health.setCheck('full-node', true, `template ${ev.work.templateId} at height ${ev.work.height}`);
    ctx.health.setStatus(ServingStatus.SERVING);
    log.debug('new work', { template_id: ev.work.templateId, height: ev.work.height, reason: ev.reason, txs: ev.work.transactions.length });
    emit(
      ctx.bus,
      Events.templatePublished,
      { template: toBlockTemplate(ev.work), reason: toTemplateReason(ev.reason) },
      ctx.instance,
    ).catch((e) => log.warn('publishing the template failed', { error: e }));
  });
  tb.on('no-work', (reason) => {
    ctx.health.setCheck('full-node', false, reason);
    ctx.health.setStatus(ServingStatus.NOT_SERVING);
    // TemplatePublished without a template: the edges stop handing out the old work.
    emit(ctx.bus, Events.templatePublished, { template: undefined, reason: toTemplateReason('no-work') }, ctx.instance).catch((e) =>
      log.warn('publishing the loss of work failed', { error: e }),
    );
  });

  let stopMetrics: (() => void) | undefined;
  return {
    async GetTemplate() {
      const w = tb.currentWork;
      return { template: w ? toBlockTemplate(w) : undefined };
    },
    async SubmitBlock(req) {
      // The builder logs each submission's outcome per node.
      const result = await inSpan(
        'p2pool.template_builder',
        'block submit to full nodes',
        { 'p2pool.block.height': req.height },
        async (span) => {
          const r = await tb.submitBlock(Buffer.from(req.block));
          span.setAttribute('p2pool.block.outcome', r.status);
          return r;
        },
      );
      blockSubmissions().add(1, {
        outcome:
          result.status === 'accepted' || result.status === 'duplicate' ? 'accepted' : result.status === 'rejected' ? 'rejected' : 'error',
      });
      const response = toSubmitBlockResponse(result);
      // The answer is on record even if the caller has gone (BLOCKS stream, for /recent_blocks and audits).
      emit(ctx.bus, Events.blockSubmitted, { request: { ...req, block: new Uint8Array() }, response }, ctx.instance).catch((e) =>
        log.warn('recording BlockSubmitted failed', { error: e }),
      );
      return response;
    },
    async GetStatus() {
      return toBuilderStatus(tb.status(), tb.currentWork);
    },
    async GetWalletAddress(req) {
      // The credentials are looked up only when an address is asked for (-a not given).
      let wallet: ReturnType<typeof fullNodeWallet>;
      try {
        wallet = fullNodeWallet(ctx.config.fullNode, net);
      } catch (e) {
        throw new RpcError(RpcCode.FAILED_PRECONDITION, `no wallet: give the full node's RPC credentials (${(e as Error).message})`);
      }
      if (req.check) return { address: '', isMine: await wallet.isMine(req.check) };
      return { address: await wallet.newAddress(), isMine: true };
    },
    async GetBlockStatus(req) {
      const hashes = req.hashes.slice(0, 100).map(hexFromLE);
      const r = await tb.blockStatus(hashes);
      return {
        node: r.node,
        blocks: r.blocks.map((b, i) => ({
          hash: req.hashes[i]!,
          known: b.header !== null,
          confirmations: b.header?.confirmations ?? 0,
          height: b.header?.height ?? 0,
        })),
      };
    },
    async start() {
      stopMetrics = templateBuilderMetrics(tb);
      tb.start();
    },
    async stop() {
      stopMetrics?.();
      tb.stop();
    },
  };
}

export async function createTemplateBuilderServer(ctx: ServiceContext, logic?: TemplateBuilderLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: TemplateBuilderDefinition,
    impl: bindContract<TemplateBuilderContract>(TemplateBuilderDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
  };
}
