// The web service shell: the node's HTTP page (the reference JSON endpoints and dashboard come with
// their issues, through loadLogic) and the external gRPC API, which serves every p2pool.v1 contract and
// proxies it onto the bus (services/bus/grpc.ts). It serves the Web contract itself: Health,
// ListServices, GetNodeInfo, and HttpGet (GETs the edge received on the worker port).
import { WebDefinition, type NodeInfo, type Web } from '../gen/p2pool/v1/web.ts';
import { definitions, SERVICE_NAMES } from '../bus/contracts.ts';
import { startGrpcGateway, type GrpcGateway } from '../bus/grpc.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import { statusName } from '../runtime/health-state.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';
import { listenHttp, type HttpEndpoint } from '../runtime/http-server.ts';
import { listInstances } from '../runtime/registry.ts';
import { nodeNetwork } from '../runtime/network.ts';
import { BusStatsSource } from './bus-stats.ts';
import { html, json, requestFrom, writeResponse, type WebRequest, type WebResponse, type WebRoute } from '../runtime/http-get.ts';
import { handleReference, REFERENCE_PATHS } from './reference/routes.ts';

export type WebLogic = Logic<Web> & {
  // GET routes, by exact path or by prefix ending in '/' (e.g. '/rate', '/web/', '/static/').
  routes?: Record<string, WebRoute>;
  // Pool figures for the front page.
  statsSource?: BusStatsSource;
};

// The reference's JSON endpoints (docs/protocol.md §9), served from the sharechain's statistics over the bus, so the
// web service holds no chain of its own and scales like any other stateless pod.
async function loadLogic(ctx: ServiceContext): Promise<WebLogic> {
  const source = new BusStatsSource(ctx.clients.sharechain, ctx.clients.peerGateway, nodeNetwork(ctx.config).P2P_PORT);
  const reference: WebRoute = async (req) => (await handleReference(source, req)) ?? json({ error: 'not found' }, 404);
  const routes: Record<string, WebRoute> = {};
  for (const p of REFERENCE_PATHS) {
    const first = '/' + p.split('/')[1]!;
    // '/web/share/HASH' and '/patron_sendmany/TOTAL' take arguments: routed by prefix.
    if (p.split('/').length > 2) routes[first + '/'] = reference;
    routes[first] = reference;
  }
  return { routes, statsSource: source };
}

export async function createWebServer(ctx: ServiceContext, logic?: WebLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  const { config } = ctx;
  const net = nodeNetwork(config);
  let http: HttpEndpoint | undefined;
  let grpc: GrpcGateway | undefined;

  const nodeInfo = (): NodeInfo => ({
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
  });

  const get = async (req: WebRequest): Promise<WebResponse> => {
    for (const [prefix, route] of Object.entries(l.routes ?? {})) {
      if (req.path === prefix || (prefix.endsWith('/') && req.path.startsWith(prefix))) return route(req);
    }
    if (req.path === '/api/v1/node') return json(nodeInfo());
    if (req.path === '/api/v1/services') {
      const instances = await listInstances(ctx.bus).catch(() => []);
      return json(instances.map((i) => ({ ...i, status: statusName(i.status) })));
    }
    if (req.path === '/') {
      const instances = await listInstances(ctx.bus).catch(() => []);
      const info = nodeInfo();
      const rows = instances.map((i) => `<tr><td>${esc(i.service)}</td><td>${esc(i.instance)}</td><td>${statusName(i.status)}</td><td>${esc(i.healthAddress)}</td></tr>`).join('');
      const pool = l.statsSource ? await poolSection(l.statsSource).catch((e) => `<p>pool statistics unavailable: ${esc((e as Error).message)}</p>`) : '';
      const links = REFERENCE_PATHS.filter((p) => !/[A-Z]/.test(p)).map((p) => `<a href="${p}">${p}</a>`).join(' · ');
      return html(`<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="10"><title>p2pool-ts</title></head><body>
<h1>p2pool-ts ${esc(info.version)}</h1>
<p>network ${esc(info.network)} · ${esc(info.mode)} · worker port ${esc(info.workerAddress || '-')} · gRPC ${esc(info.grpcAddress)}</p>
${pool}
<h2>services</h2>
<table border="1" cellpadding="4"><tr><th>service</th><th>instance</th><th>status</th><th>health</th></tr>${rows}</table>
<p><a href="/api/v1/node">/api/v1/node</a> · <a href="/api/v1/services">/api/v1/services</a></p>
<p>${links}</p>
</body></html>`);
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
        get(requestFrom(req)).then((r) => writeResponse(res, r), (e) => writeResponse(res, json({ error: (e as Error).message }, 500)));
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
      ctx.log.info('web listening', { url: `http://${config.webHost}:${http.port}/`, port: http.port, grpc_port: grpc.port, grpc: `${config.grpcHost}:${grpc.port}` });
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

// The figures a newcomer looks for: chain height, shares, hash rates, blocks found, payouts.
async function poolSection(src: BusStatsSource): Promise<string> {
  const s = await src.stats();
  const sync = ['unknown', 'loading', 'downloading', 'synced'][s.syncState] ?? String(s.syncState);
  const blocks = s.recentBlocks.map((b) => `<li>${new Date(Number(b.ts) * 1000).toISOString()} height ${b.number} block ${Buffer.from(b.blockHash).reverse().toString('hex')}</li>`).join('');
  const payouts = s.currentPayouts.map((p) => `<tr><td>${esc(p.address)}</td><td>${(Number(p.amount) / 1e8).toFixed(8)}</td></tr>`).join('');
  return `<h2>pool</h2>
<p>sharechain ${esc(sync)} · height ${s.height} · my shares ${s.sharesTotal} (${s.sharesOrphan} orphan, ${s.sharesDead} dead) · pool ${si(s.poolHashRate)}H/s · local ${si(s.localHashRate)}H/s · share difficulty ${s.hasDifficulty ? s.difficulty.toPrecision(4) : '-'}</p>
<h3>blocks found (${s.recentBlocks.length})</h3><ul>${blocks}</ul>
<h3>current payouts</h3><table border="1" cellpadding="4"><tr><th>address</th><th>amount</th></tr>${payouts}</table>`;
}

function si(x: number): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  while (Math.abs(x) >= 1000 && i < units.length - 1) { x /= 1000; i++; }
  return `${x.toFixed(x < 10 && i ? 2 : 0)} ${units[i]}`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
