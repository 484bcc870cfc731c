// The OpenAPI 3.1 description of /api/v1 (served at /api/v1/openapi.json). Tests validate it with a
// real OpenAPI validator and check live responses against its schemas (services/web/api/*.test.ts).

const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const nullable = (t: 'number' | 'integer' | 'string') => ({ type: [t, 'null'] });
const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (items: unknown) => ({ type: 'array', items });
const rates = { type: 'object', additionalProperties: num };

const error = {
  description: 'a bad parameter (400), no such path (404) or a service that did not answer (503)',
  content: { 'application/json': { schema: ref('Error') } },
};
const ok = (schema: unknown, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const get = (summary: string, schema: unknown, parameters: unknown[] = []) => ({
  get: { summary, parameters, responses: { 200: ok(schema, summary), 400: error, 404: error, 503: error } },
});
const address = {
  name: 'address',
  in: 'path',
  required: true,
  description: 'payout address',
  schema: { type: 'string', pattern: '^[0-9A-Za-z]{20,100}$' },
};
const view = {
  name: 'view',
  in: 'path',
  required: true,
  schema: { type: 'string', enum: ['last_hour', 'last_day', 'last_week', 'last_month', 'last_year'] },
};

const schemas = {
  Error: obj({ error: str }),
  NodeInfo: obj({
    version: str,
    network: str,
    payoutAddress: str,
    workerFeePercent: num,
    donationPercent: num,
    startedAtMs: str,
    mode: str,
    workerAddress: str,
    p2pAddress: str,
    webAddress: str,
    grpcAddress: str,
  }),
  Service: obj({ service: str, instance: str, version: str, status: str, startedAtMs: int, lastSeenMs: int }),
  Status: obj({
    version: str,
    network: str,
    uptime: num,
    sync: obj({
      state: { type: 'string', enum: ['unknown', 'loading', 'downloading', 'synced'] },
      progress: num,
      height: int,
      bestShare: nullable('string'),
      verified: int,
    }),
    shares: obj({ total: int, orphan: int, dead: int }),
    localHashRate: num,
    efficiency: { oneOf: [{ type: 'null' }, obj({ value: num, low: num, high: num })] },
    expectedSecondsToShare: num,
    expectedSecondsToBlock: num,
    peers: { oneOf: [{ type: 'null' }, obj({ incoming: int, outgoing: int })] },
    templateBuilder: obj({
      available: bool,
      height: int,
      lastTemplateMs: int,
      fullNodes: arrayOf(
        obj({
          chain: str,
          reachable: bool,
          synced: bool,
          blocks: int,
          headers: int,
          verificationProgress: num,
          selected: bool,
          subversion: str,
          lastError: str,
          templateLatencyMs: num,
        }),
      ),
    }),
    warnings: arrayOf(str),
  }),
  Pool: obj({
    hashRate: num,
    nonstaleHashRate: num,
    staleProportion: num,
    shareDifficulty: nullable('number'),
    minDifficulty: num,
    networkBlockDifficulty: num,
    networkHashRate: num,
    attemptsToShare: num,
    attemptsToBlock: num,
    blockValue: num,
    blockValueSatoshis: { type: 'string', pattern: '^[0-9]+$' },
    staleRates: rates,
    height: int,
  }),
  Payout: obj({ address: str, amount: num, amountSatoshis: { type: 'string', pattern: '^[0-9]+$' }, fraction: num }),
  Block: obj({
    ts: int,
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    height: nullable('integer'),
    share: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    confirmations: nullable('integer'),
    state: { type: 'string', enum: ['unknown', 'confirmed', 'mature', 'orphaned'] },
  }),
  Peers: obj({
    incoming: int,
    outgoing: int,
    knownAddresses: int,
    peers: arrayOf(
      obj({
        address: str,
        direction: { type: 'string', enum: ['incoming', 'outgoing'] },
        protocolVersion: int,
        version: str,
        uptime: nullable('number'),
        pingMs: nullable('number'),
      }),
    ),
  }),
  MinerSummary: obj({ address: str, hashRate: num, deadHashRate: num, workers: int, payout: num, payoutFraction: num }),
  Miner: obj({
    address: str,
    hashRate: num,
    deadHashRate: num,
    staleProportion: nullable('number'),
    chainStaleProportion: nullable('number'),
    expectedPayout: num,
    expectedPayoutSatoshis: { type: 'string', pattern: '^[0-9]+$' },
    payoutFraction: num,
    window: obj({ shares: int, minerShares: int, orphan: int, dead: int }),
    shares: arrayOf(
      obj({
        hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        timestamp: int,
        depth: int,
        stale: { type: ['string', 'null'], enum: ['orphan', 'doa', null] },
        work: num,
        local: bool,
      }),
    ),
    workers: arrayOf(obj({ name: str, user: str, hashRate: num, deadHashRate: num })),
  }),
  MinerGraphPoint: obj({ time: num, hashRate: num, deadHashRate: num }),
  // [center time, value, width, default], the reference's /web/graph_data point.
  GraphPoint: {
    type: 'array',
    minItems: 4,
    maxItems: 4,
    prefixItems: [num, { oneOf: [{ type: 'null' }, num, rates] }, num, nullable('number')],
  },
};

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'p2pool-ts API',
    version: '1.0.0',
    description:
      'Read-only node, pool and miner figures of a p2pool-ts node. The reference P2Pool endpoints (/rate, /local_stats, /web/graph_data/…) are served beside it with their original shapes.',
  },
  paths: {
    '/api/v1/openapi.json': {
      get: {
        summary: 'this document',
        responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    '/api/v1/node': get('the node: version, network, addresses', ref('NodeInfo')),
    '/api/v1/services': get('service instances registered on the bus', arrayOf(ref('Service'))),
    '/api/v1/status': get('sync state, own shares and efficiency, template builder and full node health', ref('Status')),
    '/api/v1/pool': get('pool and network figures', ref('Pool')),
    '/api/v1/payouts': get('current payouts if the pool found a block now, largest first', arrayOf(ref('Payout'))),
    '/api/v1/blocks': get('blocks found by the pool, newest first, with their state in the full node', arrayOf(ref('Block')), [
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
    ]),
    '/api/v1/peers': get('P2Pool peers', ref('Peers')),
    '/api/v1/miners': get("this node's miners, busiest first", arrayOf(ref('MinerSummary'))),
    '/api/v1/miners/{address}': get('one miner: rates, workers, its shares in the PPLNS window, expected payout', ref('Miner'), [
      address,
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'shares listed',
        schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
      },
    ]),
    '/api/v1/miners/{address}/graph/{view}': get("a miner's hash rate over time", arrayOf(ref('MinerGraphPoint')), [address, view]),
    '/api/v1/graph/{stream}/{view}': get('a time series (the streams of /web/graph_data)', arrayOf(ref('GraphPoint')), [
      { name: 'stream', in: 'path', required: true, schema: str },
      view,
    ]),
  },
  components: { schemas },
};
