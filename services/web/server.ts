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
import { html, json, requestFrom, writeResponse, type WebRequest, type WebResponse, type WebRoute } from './http.ts';

export type WebLogic = Logic<Web> & {
  // GET routes, by exact path or by prefix ending in '/' (e.g. '/rate', '/web/', '/static/').
  routes?: Record<string, WebRoute>;
};

// The seam: the reference JSON endpoints (spec §9, issue 6) and later the dashboard return routes here.
async function loadLogic(ctx: ServiceContext): Promise<WebLogic> {
  void ctx;
  return {};
}

export async function createWebServer(ctx: ServiceContext, logic?: WebLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  const { config } = ctx;
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
    workerAddress: config.workerPort !== undefined ? `${config.workerHost ?? '0.0.0.0'}:${config.workerPort}` : '',
    p2pAddress: config.p2poolPort !== undefined ? `0.0.0.0:${config.p2poolPort}` : '',
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
      return html(`<!doctype html><html><head><meta charset="utf-8"><title>p2pool-ts</title></head><body>
<h1>p2pool-ts ${esc(info.version)}</h1>
<p>network ${esc(info.network)} · ${esc(info.mode)} · gRPC ${esc(info.grpcAddress)}</p>
<table border="1" cellpadding="4"><tr><th>service</th><th>instance</th><th>status</th><th>health</th></tr>${rows}</table>
<p><a href="/api/v1/node">/api/v1/node</a> · <a href="/api/v1/services">/api/v1/services</a></p>
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

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
