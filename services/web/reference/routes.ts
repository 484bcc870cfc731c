// The reference's JSON endpoints (docs/protocol.md §9) as pure request → response functions over a
// ReferenceStatsSource. The web service routes worker-port and web-port GETs here first.
import type { WebRequest, WebResponse } from '../../runtime/http-get.ts';
import { referenceJson } from '../../pool/reference-json.ts';
import type { CurrencyInfo, ReferenceStatsSource } from '../../pool/reference-stats.ts';

const CORS = { 'access-control-allow-origin': '*' };

function jsonResponse(value: unknown, status = 200): WebResponse {
  return { status, contentType: 'application/json', body: Buffer.from(referenceJson(value)), headers: { ...CORS } };
}

function textResponse(text: string, status = 200): WebResponse {
  return { status, contentType: 'text/plain', body: Buffer.from(text), headers: { ...CORS } };
}

const coins = (sat: bigint) => Number(sat) / 1e8;

export interface RouteOptions {
  /** For /patron_sendmany's random lump winner (tests pin it). */
  random?: () => number;
  currencyInfo?: CurrencyInfo;
  /** /web/graph_data/<stream>/<view>: the points, or null for an unknown stream or view. */
  graphData?: (stream: string, view: string) => unknown[] | null;
}

/** `math.weighted_choice` over (key, weight) pairs. */
function weightedChoice<K>(items: [K, bigint][], random: () => number): K {
  const total = items.reduce((a, [, w]) => a + w, 0n);
  let x = BigInt(Math.floor(random() * Number(total)));
  for (const [k, w] of items) {
    if (x < w) return k;
    x -= w;
  }
  return items[items.length - 1]![0];
}

/**
 * `get_current_scaled_txouts(total, trunc)`: current payouts scaled to `total` satoshis; the amounts
 * under `trunc` are summed and given to one of their owners chosen by weight; any rounding shortfall
 * goes to an owner chosen by weight.
 */
export function scaledPayouts(payouts: Map<string, bigint>, scale: bigint, trunc: bigint, random: () => number): Map<string, bigint> {
  let total = 0n;
  for (const v of payouts.values()) total += v;
  const results = new Map<string, bigint>();
  if (total === 0n) return results;
  for (const [k, v] of payouts) results.set(k, (v * scale) / total);
  if (trunc > 0n) {
    let totalRandom = 0n;
    const randomSet: [string, bigint][] = [];
    for (const [k, v] of [...results].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))) {
      if (v >= trunc) break;
      totalRandom += v;
      randomSet.push([k, v]);
    }
    if (totalRandom > 0n) {
      const winner = weightedChoice(randomSet, random);
      for (const [k] of randomSet) results.delete(k);
      results.set(winner, totalRandom);
    }
  }
  let sum = 0n;
  for (const v of results.values()) sum += v;
  if (sum < scale && results.size) {
    const k = weightedChoice([...results], random);
    results.set(k, results.get(k)! + scale - sum);
  }
  return results;
}

function parseCoins(s: string | undefined): bigint | null {
  if (s === undefined || s === '') return null;
  const x = Number(s);
  if (!Number.isFinite(x) || x < 0) return null;
  return BigInt(Math.trunc(x * 1e8));
}

/** Returns null for paths that are not reference endpoints (the caller's other routes take them). */
export async function handleReference(source: ReferenceStatsSource, req: WebRequest, opts: RouteOptions = {}): Promise<WebResponse | null> {
  const parts = req.path
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  const [a, b, c] = parts;
  switch (a) {
    case 'rate':
      return jsonResponse(await source.rate());
    case 'difficulty':
      return jsonResponse(await source.difficulty());
    case 'users':
      return jsonResponse(await source.users());
    case 'fee':
      return jsonResponse(await source.fee());
    case 'current_payouts': {
      const out: Record<string, number> = {};
      for (const [k, v] of await source.currentPayouts()) out[k] = coins(v);
      return jsonResponse(out);
    }
    case 'patron_sendmany': {
      const total = parseCoins(b);
      if (total === null) return textResponse('need total argument. go to patron_sendmany/<TOTAL>');
      const trunc = parseCoins(c) ?? 1_000_000n;
      const out: Record<string, number> = {};
      for (const [k, v] of scaledPayouts(await source.currentPayouts(), total, trunc, opts.random ?? Math.random)) out[k] = coins(v);
      return textResponse(referenceJson(out));
    }
    case 'global_stats':
      return jsonResponse(await source.globalStats());
    case 'local_stats':
      return jsonResponse(await source.localStats());
    case 'peer_addresses':
      return jsonResponse((await source.peerAddresses()).join(' '));
    case 'payout_addr':
      return jsonResponse(await source.payoutAddr());
    case 'payout_addrs':
      return jsonResponse([await source.payoutAddr()]);
    case 'user_stales':
      return source.userStales ? jsonResponse(await source.userStales()) : null;
    case 'pings':
      return source.pings ? jsonResponse(await source.pings()) : null;
    case 'peer_versions':
      return source.peerVersions ? jsonResponse(await source.peerVersions()) : null;
    case 'recent_blocks':
      return jsonResponse(await source.recentBlocks());
    case 'uptime':
      return jsonResponse(await source.uptime());
    case 'stale_rates':
      return jsonResponse(await source.staleRates());
    case 'web':
      switch (b) {
        case 'best_share_hash':
          return jsonResponse(await source.bestShareHash());
        case 'share':
          return jsonResponse(c === undefined ? null : await source.share(c));
        case 'log':
          return jsonResponse(await source.log());
        case 'currency_info':
          return opts.currencyInfo ? jsonResponse(opts.currencyInfo) : null;
        case 'graph_data': {
          if (!opts.graphData || c === undefined || parts[3] === undefined) return null;
          const points = opts.graphData(c, parts[3]);
          return points ? jsonResponse(points) : jsonResponse({ error: `no graph ${c}/${parts[3]}` }, 404);
        }
        default:
          return null;
      }
    default:
      return null;
  }
}

/** The list of paths served here (for the web shell's index and docs). */
export const REFERENCE_PATHS = [
  '/rate',
  '/difficulty',
  '/users',
  '/fee',
  '/current_payouts',
  '/patron_sendmany/TOTAL',
  '/global_stats',
  '/local_stats',
  '/peer_addresses',
  '/payout_addr',
  '/recent_blocks',
  '/uptime',
  '/stale_rates',
  '/web/best_share_hash',
  '/web/share/HASH',
  '/web/log',
  '/user_stales',
  '/pings',
  '/peer_versions',
  '/payout_addrs',
  '/web/currency_info',
  '/web/graph_data/STREAM/VIEW',
];
