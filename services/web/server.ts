// The web service shell: the node's HTTP page (the reference JSON endpoints and dashboard come with
// their issues, through loadLogic) and the external gRPC API, which serves every p2pool.v1 contract and
// proxies it onto the bus (services/bus/grpc.ts). It serves the Web contract itself: Health,
// ListServices, GetNodeInfo, and HttpGet (GETs the edge received on the worker port).
import { WebDefinition, type NodeInfo, type Web } from '../gen/p2pool/v1/web.ts';
import type { TemplateBuilderClientImpl } from '../gen/p2pool/v1/template_builder.ts';
import { definitions, SERVICE_NAMES } from '../bus/contracts.ts';
import { RpcCode, RpcError } from '../bus/errors.ts';
import { busRpc } from '../bus/rpc.ts';
import { clientsFor } from '../runtime/clients.ts';
import { startGrpcGateway, type GrpcGateway } from '../bus/grpc.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import { statusName } from '../runtime/health-state.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';
import { listenHttp, type HttpEndpoint } from '../runtime/http-server.ts';
import { listInstances } from '../runtime/registry.ts';
import { nodeNetwork } from '../runtime/network.ts';
import { join } from 'node:path';
import { ApiV1 } from './api/v1.ts';
import { BusStatsSource } from './bus-stats.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { GraphRecorder } from './graph/recorder.ts';
import { FileGraphStore, KvGraphStore } from './graph/store.ts';
import type { Sample } from './graph/streams.ts';
import { json, requestFrom, writeResponse, type WebRequest, type WebResponse, type WebRoute } from '../runtime/http-get.ts';
import { handleReference, REFERENCE_PATHS } from './reference/routes.ts';

export type WebLogic = Logic<Web> & {
  // GET routes, by exact path or by prefix ending in '/' (e.g. '/rate', '/web/', '/static/').
  routes?: Record<string, WebRoute>;
  // Gives the logic the shell's NodeInfo (which knows the listening ports) once the shell exists.
  useNodeInfo?: (info: () => NodeInfo) => void;
};

// The reference's JSON endpoints (docs/protocol.md §9), our /api/v1 and the dashboard, served from the other
// services' contracts (sharechain statistics, peers, template builder) and the graph history this
// service samples from them, so the web service holds no chain of its own and scales like any other
// stateless pod.
// How long a page waits for another service before answering with the cause.
const PAGE_DEADLINE_MS = 2_000;

async function loadLogic(ctx: ServiceContext): Promise<WebLogic> {
  const net = nodeNetwork(ctx.config);
  // Pages answer at once: a sharechain that is not ready (no full node, restarting) is reported with
  // its cause after a short wait, instead of holding the request for the bus's 30 s deadline.
  const quick = clientsFor(busRpc(ctx.bus, { timeoutMs: PAGE_DEADLINE_MS, deadlineMs: PAGE_DEADLINE_MS }));
  const source = new BusStatsSource(quick.sharechain, quick.peerGateway, net.P2P_PORT);
  let nodeInfo = () => nodeInfoOf(ctx, undefined, undefined);
  const recorder = new GraphRecorder({
    // The embedded default keeps the reference's graph_db file; cluster web pods share a KV entry, so a
    // replaced pod (its emptyDir gone) takes the history over.
    store:
      ctx.mode === 'cluster'
        ? new KvGraphStore(ctx.bus, net.NAME, ctx.config.natsReplicas)
        : new FileGraphStore(join(ctx.config.datadir, net.NAME, 'graph_db')),
    sample: () => graphSample(source, quick.templateBuilder),
    log: ctx.log,
  });
  const p = net.PARENT;
  const currencyInfo = {
    symbol: p.SYMBOL,
    block_explorer_url_prefix: p.BLOCK_EXPLORER_URL_PREFIX ?? '',
    address_explorer_url_prefix: p.ADDRESS_EXPLORER_URL_PREFIX ?? '',
    tx_explorer_url_prefix: p.TX_EXPLORER_URL_PREFIX ?? '',
  };
  const graphData = (stream: string, view: string) =>
    recorder.db.streams
      .get(stream)
      ?.views.get(view)
      ?.data(Date.now() / 1000) ?? null;
  const reference: WebRoute = async (req) =>
    (await handleReference(source, req, { currencyInfo, graphData })) ?? json({ error: 'not found' }, 404);
  const api = new ApiV1({
    source,
    sharechain: quick.sharechain,
    templateBuilder: quick.templateBuilder,
    history: recorder.db,
    nodeInfo: () => nodeInfo(),
    services: async () => (await listInstances(ctx.bus).catch(() => [])).map((i) => ({ ...i, statusName: statusName(i.status) })),
  });
  const routes: Record<string, WebRoute> = {};
  for (const path of REFERENCE_PATHS) {
    const first = '/' + path.split('/')[1]!;
    // '/web/share/HASH' and '/patron_sendmany/TOTAL' take arguments: routed by prefix.
    if (path.split('/').length > 2) routes[first + '/'] = reference;
    routes[first] = reference;
  }
  routes['/api/v1/'] = (req) => api.handle(req);
  Object.assign(routes, dashboardRoutes());
  return {
    routes,
    useNodeInfo: (f) => {
      nodeInfo = f;
    },
    async start() {
      await recorder.start();
    },
    async stop() {
      await recorder.stop();
    },
  };
}

// One graph sample from the contracts: the sharechain's statistics and the gateway's peer counts.
async function graphSample(source: BusStatsSource, templateBuilder: TemplateBuilderClientImpl): Promise<Sample> {
  const s = await source.stats();
  const peers = await source.peers().catch(() => null);
  const tb = await templateBuilder.GetStatus({}).catch(() => null);
  const selected = tb?.nodes.find((n) => n.selected);
  let ls: { miner_hash_rates?: Record<string, number>; miner_dead_hash_rates?: Record<string, number> } | null = null;
  try {
    ls = JSON.parse(s.localStatsJson || 'null');
  } catch {
    /* no local stats yet */
  }
  const payouts: Record<string, number> = {};
  for (const p of s.currentPayouts) payouts[p.address] = Number(p.amount) / 1e8;
  return {
    localHashRate: s.localHashRate,
    minerHashRates: ls?.miner_hash_rates ?? {},
    minerDeadHashRates: ls?.miner_dead_hash_rates ?? {},
    sharesTotal: Number(s.sharesTotal),
    sharesOrphan: Number(s.sharesOrphan),
    sharesDead: Number(s.sharesDead),
    attemptsToShare: s.attemptsToShare,
    staleRates: s.staleRates,
    desiredVersionRates: Object.fromEntries(Object.entries(s.desiredVersionFractions).map(([v, f]) => [v, f * s.poolHashRate])),
    currentPayout: payouts[s.payoutAddress] ?? 0,
    currentPayouts: payouts,
    peers: { incoming: peers?.incoming ?? 0, outgoing: peers?.outgoing ?? 0 },
    efficiency: s.sharesTotal > 0n ? s.efficiency : null,
    memoryUsage: process.memoryUsage().rss,
    getworkLatency: selected && selected.templateLatencyMs > 0 ? selected.templateLatencyMs / 1000 : null,
    p2pBytes: peers ? { received: Number(peers.bytesReceived), sent: Number(peers.bytesSent) } : null,
  };
}

function nodeInfoOf(ctx: ServiceContext, http: HttpEndpoint | undefined, grpc: GrpcGateway | undefined): NodeInfo {
  const { config } = ctx;
  const net = nodeNetwork(config);
  return {
    version: ctx.version,
    network: config.netFile ? `file:${config.netFile}` : config.testnet ? `${config.net}_testnet` : config.net,
    payoutAddress: config.address ?? '',
    workerFeePercent: config.fee,
    donationPercent: config.giveAuthor,
    startedAtMs: BigInt(ctx.startedAt),
    mode: ctx.mode,
    workerAddress: `${config.workerHost ?? '0.0.0.0'}:${config.workerPort ?? net.WORKER_PORT}`,
    p2pAddress: `0.0.0.0:${config.p2poolPort ?? net.P2P_PORT}`,
    webAddress: http ? `http://${config.webHost}:${http.port}/` : '',
    grpcAddress: grpc ? `${config.grpcHost}:${grpc.port}` : '',
  };
}

export async function createWebServer(ctx: ServiceContext, logic?: WebLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  const { config } = ctx;
  let http: HttpEndpoint | undefined;
  let grpc: GrpcGateway | undefined;

  const nodeInfo = (): NodeInfo => nodeInfoOf(ctx, http, grpc);
  l.useNodeInfo?.(nodeInfo);

  const get = async (req: WebRequest): Promise<WebResponse> => {
    for (const [prefix, route] of Object.entries(l.routes ?? {})) {
      if (req.path === prefix || (prefix.endsWith('/') && req.path.startsWith(prefix))) return route(req);
    }
    return json({ error: 'not found' }, 404);
  };

  const handlers: WebLogic = {
    ...l,
    ListServices: l.ListServices ?? (async () => ({ instances: await listInstances(ctx.bus) })),
    GetNodeInfo: l.GetNodeInfo ?? (async () => nodeInfo()),
    HttpGet: l.HttpGet ?? get,
  };

  return {
    definition: WebDefinition,
    impl: bindContract<Web>(WebDefinition, ctx, handlers),
    async start() {
      http = await listenHttp(config.webHost, config.webPort, (req, res) => {
        get(requestFrom(req)).then(
          (r) => writeResponse(res, r),
          (e) => writeResponse(res, unavailable(e)),
        );
      });
      grpc = await startGrpcGateway({
        bus: ctx.bus,
        definitions: SERVICE_NAMES.map((n) => definitions[n]),
        host: config.grpcHost,
        port: config.grpcPort,
        tokenFile: config.adminTokenFile,
        source: ctx.instance,
        onCall: (c) => ctx.log.debug('grpc call', { ...c }),
      });
      ctx.log.info('web listening', {
        url: `http://${config.webHost}:${http.port}/`,
        port: http.port,
        grpc_port: grpc.port,
        grpc: `${config.grpcHost}:${grpc.port}`,
      });
      await l.start?.();
    },
    async drain() {
      await l.drain?.();
    },
    async stop() {
      await l.stop?.();
      await grpc?.close();
      await http?.close();
    },
    endpoints: () => ({
      ...(http ? { web: `http://${config.webHost}:${http.port}/` } : {}),
      ...(grpc ? { grpc: `${config.grpcHost}:${grpc.port}` } : {}),
    }),
  };
}

// A page whose data is not there yet: 503 with the cause the service gave (not a bare 500).
function unavailable(e: unknown): WebResponse {
  const msg = e instanceof Error ? e.message : String(e);
  const code = e instanceof RpcError && (e.code === RpcCode.UNAVAILABLE || e.code === RpcCode.DEADLINE_EXCEEDED) ? 503 : 500;
  return json({ error: msg }, code);
}
