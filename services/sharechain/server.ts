// The sharechain service shell: owns the tracker, verifies and scores shares, publishes the work basis,
// stores shares. It serves the Sharechain contract (proto/p2pool/v1/sharechain.proto) on the bus.
//
// Inputs: TemplatePublished (the block being mined), PeersChanged (peer count for the sync state),
// StatsSnapshot of the edges (miner rates), SubmitShare from the edges, AddPeerShares from the peer
// gateway (or, embedded, the gateway calls the Sharechain in-process). Outputs: WorkBasisPublished on
// every basis change, ShareAccepted for every new share, BlockFound for a local share that is a block,
// and the reference statistics (GetStats, GetShare). Ready = synced (see README "Sync state").
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseBip34Height, u256FromLE, u256ToHex, u256ToLE, type Share } from '../core/index.ts';
import { ShareSource as Origin } from '../gen/p2pool/v1/common.ts';
import {
  ShareOutcome,
  SharechainDefinition,
  SubmitShareRequest,
  type SubmitShareResponse,
  type Sharechain as SharechainContract,
} from '../gen/p2pool/v1/sharechain.ts';
import type { BlockTemplate } from '../gen/p2pool/v1/template_builder.ts';
import type { PeerGatewayClientImpl } from '../gen/p2pool/v1/peer_gateway.ts';
import { Events } from '../bus/events.ts';
import { emit, on } from '../bus/pubsub.ts';
import type { Closer } from '../bus/types.ts';
import { RpcCode, RpcError } from '../bus/errors.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';
import { LOCAL_SHARECHAIN } from '../runtime/local.ts';
import type { Logger } from '../runtime/log.ts';
import { nodeNetwork } from '../runtime/network.ts';
import { retryUntil } from '../runtime/retry.ts';
import type { ShareSource } from '../pool/share-source.ts';
import { workBasisMessage } from '../pool/contract/work-basis.ts';
import { sharechainHandlers } from './contract.ts';
import { shareArrivals, sharechainMetrics } from './metrics.ts';
import { context } from '@opentelemetry/api';
import { extractContext } from '../bus/otel.ts';
import { inSpan } from '../runtime/tracing.ts';
import { EdgeRates } from './edge-rates.ts';
import { resolvePayout, PayoutAddressError } from './payout.ts';
import { PeerView } from './peer-view.ts';
import { fileRatchetState, kvRatchetState } from './ratchet-state.ts';
import { SHARE_QUEUE_CONSUMER, shareQueueFor } from '../bus/share-queue.ts';
import { Sharechain, type PayoutConfig, type PeerHooks } from './sharechain.ts';
import { ReferenceStats } from './stats/reference-stats.ts';
import { BusShareStore } from './store/bus-store.ts';
import { LeaderLease } from '../runtime/leader-lease.ts';
import { FileShareStore } from './store/file-store.ts';

export type SharechainLogic = Logic<SharechainContract>;

// The reference's status line; on a terminal it is what the operator watches (docs: README).
const STATUS_LINE_MS = 10_000;
// A queued share whose application keeps failing (not a rejection: an error) is given up after this many tries.
const QUEUE_MAX_DELIVERIES = 50;
const LOG_SAMPLE_MS = 5 * 60_000;

async function loadLogic(ctx: ServiceContext): Promise<SharechainLogic> {
  const { config, bus, log } = ctx;
  const net = nodeNetwork(config);
  const dataDir = join(config.datadir, net.NAME);
  mkdirSync(dataDir, { recursive: true });
  const peers = new PeerView(net.P2P_PORT);
  const rates = new EdgeRates();
  // Set once the payout address is known (at once with -a; from the full node's wallet otherwise,
  // retried as the reference does while the node is unreachable). Until then calls answer UNAVAILABLE.
  let running: { sc: Sharechain; stats: ReferenceStats; base: ReturnType<typeof sharechainHandlers> } | undefined;
  let peerHooks: PeerHooks | undefined;
  const closers: Closer[] = [];
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  // Cluster: one writer of the JetStream store at a time. A second replica (the surge pod of a rolling
  // update, or a standing standby) waits for the lease and takes over when the leader leaves
  // (docs/rollout.md); until then it answers UNAVAILABLE, which callers retry (onto the leader).
  const lease = ctx.mode === 'cluster' ? new LeaderLease(bus, 'sharechain', ctx.instance) : null;
  let standby = lease !== null;
  const need = () => {
    if (standby) throw new RpcError(RpcCode.UNAVAILABLE, 'standby sharechain replica (another one leads)');
    // The real cause (e.g. "no payout address: litecoind unreachable at 127.0.0.1:9332"), for callers
    // such as the web pages, which answer at once with it.
    if (!running)
      throw new RpcError(
        RpcCode.UNAVAILABLE,
        `the sharechain is not ready: ${ctx.health.checks.get('sync')?.detail || 'starting (loading its store)'}`,
      );
    return running;
  };

  let stopMetrics: (() => void) | undefined;
  const announce = (sc: Sharechain, share: Share, source: Origin): void => {
    const origin = { origin: source === Origin.PEER ? 'peer' : 'local' };
    shareArrivals().added.add(1, origin);
    shareArrivals().propagation.record(Math.max(0, Date.now() / 1000 - share.timestamp), origin);
    const best = sc.bestShareHash() === share.hash;
    emit(
      bus,
      Events.shareAccepted,
      {
        share: { type: BigInt(share.type), contents: share.packedContents },
        hash: u256ToLE(share.hash),
        source,
        peer: share.peerAddr ?? '',
        isBest: best,
        height: sc.tracker.has(share.hash) ? sc.tracker.getHeight(share.hash) : 0,
        acceptedAtMs: BigInt(Date.now()),
      },
      ctx.instance,
    ).catch((e) => log.warn('publishing ShareAccepted failed', { error: e }));
  };

  // The embedded gateway's view of the tracker: empty until the sharechain runs.
  const source: ShareSource = {
    bestShareHash: () => running?.sc.bestShareHash() ?? null,
    has: (h) => running?.sc.has(h) ?? false,
    getShares: (hashes, parents, stops) => running?.sc.getShares(hashes, parents, stops) ?? [],
    downloadStops: () => running?.sc.downloadStops() ?? [],
    bestShareVersion: () => running?.sc.bestShareVersion() ?? null,
    async addShares(shares, from) {
      const sc = need().sc;
      const r = await sc.addShares(shares, from);
      for (const h of r.newHashes) {
        const s = sc.tracker.get(h);
        if (s) announce(sc, s, Origin.PEER);
      }
      return r;
    },
  };
  // Embedded only: the gateway works on the tracker directly through `source`, which announces new peer
  // shares like AddPeerShares does.
  ctx.local?.provide(LOCAL_SHARECHAIN, {
    source,
    attachPeers: (h) => {
      peerHooks = h;
      running?.sc.attachPeers(h);
    },
  });
  // In the cluster the gateway is another process: its hooks are calls (the embedded gateway attaches itself).
  if (!ctx.local) peerHooks = busPeerHooks(ctx.clients.peerGateway, log);

  // A share found by this node's miners: the SubmitShare call (embedded) or the share queue (cluster).
  const submitShare = async (req: SubmitShareRequest): Promise<SubmitShareResponse> => {
    const { sc, base } = need();
    const r = await base.SubmitShare!(req);
    const hash = r.hash.length ? u256ToHex(u256FromLE(r.hash)) : '';
    if (r.outcome === ShareOutcome.ACCEPTED) {
      const s = sc.tracker.get(u256FromLE(r.hash));
      if (s) announce(sc, s, Origin.LOCAL);
      log.info('share accepted', {
        share: hash,
        miner: req.miner,
        doa: req.doa,
        best: r.isBest,
        height: s ? sc.tracker.getHeight(s.hash) : 0,
        peer: 'mined locally',
        outcome: 'accepted',
      });
    } else {
      log.warn('share not accepted', {
        share: hash,
        miner: req.miner,
        outcome: Object.entries(ShareOutcome).find(([, v]) => v === r.outcome)?.[0] ?? r.outcome,
        reason: r.reason,
      });
    }
    return r;
  };

  const applyTemplate = (sc: Sharechain, t: BlockTemplate): void => {
    sc.setTemplate({
      templateId: Number(t.templateId),
      previousBlock: u256FromLE(t.previousBlock),
      bits: t.bits,
      height: t.height,
      subsidy: t.coinbaseValue,
    });
  };

  // What was published before this process subscribed: asked once (the answer may come from a
  // service that starts after this one, so retried in the background).
  const catchUp = async (sc: Sharechain): Promise<void> => {
    await retryUntil(
      async () => {
        const r = await ctx.clients.templateBuilder.GetTemplate({});
        if (r.template && !sc.currentTemplate()) applyTemplate(sc, r.template);
        return sc.currentTemplate() !== null;
      },
      {
        stopped: () => stopped,
        delayMs: 1000,
        onError: (e) => log.debug('no template from the template builder yet', { error: (e as Error).message }),
      },
    );
    if (!stopped && !ctx.local) {
      await ctx.clients.peerGateway.GetPeers({}).then(
        (r) => {
          peers.reset(r);
          sc.setPeerCount(peers.count);
        },
        () => undefined,
      );
    }
  };

  const run = async (payout: PayoutConfig): Promise<void> => {
    log.info('payout address', { address: payout.address, fee_percent: payout.workerFeePercent, donation_percent: payout.donationPercent });
    // One process: files under the data dir. Cluster: the JetStream stream, so a rescheduled pod loads
    // the chain from NATS instead of asking peers (docs/bus.md, "Streams").
    const store = ctx.mode === 'cluster' ? new BusShareStore(bus, net) : new FileShareStore(dataDir);
    // [V36] the ratchet's state: with the chain (files) in one process, in KV in the cluster, so the next
    // leader or version resumes it.
    const ratchetStore =
      net.LINEAGE !== 'V36'
        ? null
        : ctx.mode === 'cluster'
          ? kvRatchetState(bus, net)
          : fileRatchetState(join(dataDir, 'v36_ratchet.json'));
    const saved = ratchetStore
      ? await ratchetStore.load().catch((e: Error) => {
          log.warn('saved version ratchet state unreadable; starting afresh', { from: ratchetStore.where, error: e.message });
          return null;
        })
      : null;
    const sc = new Sharechain({
      net,
      store,
      payout,
      log,
      ratchetState: ratchetStore ? { store: ratchetStore, saved } : undefined,
      maxShareVersion: config.maxShareVersion,
    });
    const stats = new ReferenceStats(sc, {
      peers: () => peers.info(),
      localRates: () => rates.rates(),
      version: `p2pool-ts/${ctx.version}`,
    });
    if (peerHooks) sc.attachPeers(peerHooks);
    sc.onSyncState((st) => ctx.health.setCheck('sync', st.state === 'synced', `${st.state}: ${st.detail}`));
    sc.onWorkBasis((b) => {
      emit(bus, Events.workBasisPublished, { basis: workBasisMessage(b) }, ctx.instance).catch((e) =>
        log.warn('publishing the work basis failed', { error: e }),
      );
    });
    sc.onBlockFound((share) => {
      const t = sc.currentTemplate();
      let height = t?.height ?? 0;
      try {
        height = parseBip34Height(share.contents.shareInfo.shareData.coinbase) ?? height;
      } catch {
        /* pre-BIP34 coinbase */
      }
      log.info('block found', { block: u256ToHex(share.hash), height, miner: share.address });
      emit(
        bus,
        Events.blockFound,
        {
          shareHash: u256ToLE(share.hash),
          blockHash: u256ToLE(share.hash),
          height,
          source: Origin.LOCAL,
          miner: share.address,
          tsMs: BigInt(Date.now()),
        },
        ctx.instance,
      ).catch((e) => log.warn('recording BlockFound failed', { error: e }));
    });
    await sc.start();
    if (stopped) {
      await sc.stop();
      return;
    }
    running = { sc, stats, base: sharechainHandlers(sc, stats) };
    stopMetrics = sharechainMetrics(sc, stats);
    closers.push(
      await on(bus, Events.templatePublished, (m) => {
        if (m.template) applyTemplate(sc, m.template);
      }),
      await on(bus, Events.peersChanged, (m) => {
        peers.changed(m);
        sc.setPeerCount(peers.count);
      }),
      await on(bus, Events.statsSnapshot, (m) => {
        rates.add(m);
        sc.setLocalHashRate(rates.total());
      }),
    );
    if (ctx.mode === 'cluster') {
      // The shares the edges acknowledged, in the order they were queued, each applied once: a share
      // the chain already has answers DUPLICATE (docs/bus.md, "Acknowledged shares").
      const queue = shareQueueFor(net);
      closers.push(
        await bus.consume(
          queue.spec,
          SHARE_QUEUE_CONSUMER,
          async (m) => {
            let req: SubmitShareRequest;
            try {
              req = SubmitShareRequest.decode(m.data);
            } catch (e) {
              log.error('undecodable message in the share queue, dropped', { seq: m.seq, error: (e as Error).message });
              return;
            }
            try {
              // In the trace of the edge's 'share submit' (its context is in the message headers).
              await context.with(extractContext(m.headers), () =>
                inSpan('p2pool.sharechain', 'share dequeue', { 'p2pool.queue.seq': m.seq }, () => submitShare(req)),
              );
            } catch (e) {
              log.warn('queued share not applied yet, will retry', { seq: m.seq, deliveries: m.deliveries, error: (e as Error).message });
              if (m.deliveries < QUEUE_MAX_DELIVERIES) throw e;
              log.error('queued share dropped after repeated failures', {
                seq: m.seq,
                miner: req.miner,
                deliveries: m.deliveries,
                error: (e as Error).message,
              });
            }
          },
          { onError: (e) => log.warn('share queue: not consuming', { error: (e as Error).message }) },
        ),
      );
    }
    void catchUp(sc);
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      timers.push(t);
    };
    every(STATUS_LINE_MS, () => log.info(stats.statusLine().replace(/\n/g, ' | '), { status: true }));
    every(LOG_SAMPLE_MS, () => stats.sampleLog());
  };

  const payoutOptions = {
    net,
    address: config.address,
    donationPercent: config.giveAuthor,
    workerFeePercent: config.fee,
    dataDir,
    wallet: config.address ? undefined : contractWallet(ctx),
  };

  const lead = async (): Promise<void> => {
    const fn = config.fullNode;
    ctx.health.setCheck(
      'sync',
      false,
      config.address
        ? 'loading the share store'
        : `waiting for the payout address from the full node's wallet at ${fn.host}:${fn.rpcPort ?? 'its default RPC port'} (no -a given)`,
    );
    if (config.address) {
      await run(await resolvePayout(payoutOptions));
      return;
    }
    // From the wallet, through the template builder, which may start after this service: asked in
    // the background, as the reference keeps asking the full node's wallet, without holding up the
    // other services of the process.
    let payout: PayoutConfig | undefined;
    void retryUntil(
      async () => {
        payout = await resolvePayout(payoutOptions);
        return true;
      },
      {
        stopped: () => stopped,
        delayMs: (n) => (n < 5 ? 1000 : 5000),
        onError: (err, n) => {
          if (n === 5) log.warn('no payout address yet, retrying every 5 s', { error: (err as Error).message });
          ctx.health.setCheck('sync', false, `no payout address: ${(err as Error).message}`);
        },
      },
    ).then((found) => {
      if (!found || !payout) return;
      return run(payout).catch((e) => {
        log.error('the sharechain failed to start', { error: e });
        ctx.health.setCheck('sync', false, `failed to start: ${(e as Error).message}`);
      });
    });
  };

  return {
    GetWorkBasis: (req) => need().base.GetWorkBasis!(req),
    GetShare: (req) => need().base.GetShare!(req),
    GetShares: (req) => need().base.GetShares!(req),
    GetMissingParents: (req) => need().base.GetMissingParents!(req),
    GetStats: (req) => need().base.GetStats!(req),
    GetMinerShares: (req) => need().base.GetMinerShares!(req),
    SubmitShare: (req) => submitShare(req),
    async AddPeerShares(req) {
      const { sc, base } = need();
      const r = await base.AddPeerShares!(req);
      for (const x of r.results) {
        if (x.outcome !== ShareOutcome.ACCEPTED) continue;
        const s = sc.tracker.get(u256FromLE(x.hash));
        if (s) announce(sc, s, Origin.PEER);
      }
      return r;
    },
    async start() {
      if (lease !== null) {
        lease.onLost = (why) => {
          log.error('no longer the leading sharechain replica: stopping', { why });
          process.kill(process.pid, 'SIGTERM');
        };
        if (await lease.tryAcquire()) {
          standby = false;
          log.info('leading sharechain replica', { instance: ctx.instance });
          await lead();
          return;
        }
        // Ready as a standby (a rolling update waits for it), serving only once it leads.
        ctx.health.setCheck('sync', true, 'standby: takes over when the leading replica leaves');
        log.info('standby sharechain replica', { leader: await lease.leader() });
        void lease
          .acquire(250)
          .then(async (leads) => {
            if (!leads || stopped) return;
            standby = false;
            log.info('leading sharechain replica', { instance: ctx.instance });
            await lead();
          })
          .catch((e) => log.error('sharechain lease failed', { error: e }));
        return;
      }
      await lead();
    },
    async stop() {
      stopped = true;
      stopMetrics?.();
      for (const t of timers) clearInterval(t);
      await Promise.allSettled(closers.map((c) => c.close()));
      await running?.sc.stop();
      // After the last write to the store: the standby may take over now.
      await lease?.release();
    },
  };
}

// The sharechain's calls on a gateway in another process. Missing parents are not pushed: the
// gateway asks for them (GetMissingParents) after each batch of peer shares and periodically.
function busPeerHooks(gateway: PeerGatewayClientImpl, log: Logger): PeerHooks {
  return {
    broadcastShare(_hash, chain) {
      gateway
        .BroadcastShare({
          shares: chain.map((s) => ({ type: BigInt(s.type), contents: s.packedContents })),
          excludePeer: chain[0]?.peerAddr ?? '',
          transactions: [],
        })
        .catch((e) => log.debug('BroadcastShare failed', { error: (e as Error).message }));
    },
    setDesired() {},
    punishPeer(peerAddr, reason) {
      gateway.BanPeer({ address: peerAddr, seconds: 0, reason }).catch((e) => log.debug('BanPeer failed', { error: (e as Error).message }));
    },
  };
}

// Only asked when -a is not given: the full node's wallet, through the template builder (the one
// service that talks to the full node).
function contractWallet(ctx: ServiceContext) {
  const ask = async (check: string) => {
    try {
      return await ctx.clients.templateBuilder.GetWalletAddress({ check });
    } catch (e) {
      throw new PayoutAddressError(
        `no payout address: pass -a ADDRESS, or give the full node's RPC credentials so its wallet can provide one (${(e as Error).message})`,
      );
    }
  };
  return {
    newAddress: async () => (await ask('')).address,
    isMine: async (a: string) => (await ask(a)).isMine,
  };
}

export async function createSharechainServer(ctx: ServiceContext, logic?: SharechainLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: SharechainDefinition,
    impl: bindContract<SharechainContract>(SharechainDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
  };
}
