import { parse as parseYaml } from 'yaml';
import { parseJsonExact } from '../codec/json.ts';
import type { Lineage, Network, ParentNetwork, PowFunc } from './types.ts';
import { bitcoin as bitcoinParent, PARENTS } from './parents.ts';
import { NETWORKS } from './builtin.ts';
import { evalSubsidyExpr, halvingForm, parseSubsidyExpr, SubsidyExprError, type SubsidyExpr } from './subsidy-expr.ts';

/** Thrown for a network file that cannot define a network; says which key is wrong. */
export class NetworkFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkFileError';
  }
}

export { parseJsonExact };

export function parseNetworkText(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return parseJsonExact(text);
  return parseYaml(text, { intAsBigInt: true });
}

type Obj = Record<string, unknown>;

function big(o: Obj, key: string, fallback?: bigint): bigint {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new NetworkFileError(`network file: ${key} is required`);
    return fallback;
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|\d+)$/.test(v)) return BigInt(v);
  throw new NetworkFileError(
    `network file: ${key} must be an integer (got ${JSON.stringify(String(v))}; write large values as exact integers or 0x hex)`,
  );
}

function int(o: Obj, key: string, fallback?: number): number {
  const v = big(o, key, fallback === undefined ? undefined : BigInt(fallback));
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < 0n) throw new NetworkFileError(`network file: ${key} out of range`);
  return Number(v);
}

function bytes(o: Obj, key: string, len: number, fallback?: Buffer): Buffer {
  const v = o[key];
  if (v === undefined && fallback) return fallback;
  if (typeof v !== 'string' || !new RegExp(`^[0-9a-fA-F]{${len * 2}}$`).test(v)) {
    throw new NetworkFileError(`network file: ${key} must be ${len} bytes of hex`);
  }
  return Buffer.from(v, 'hex');
}

function str(o: Obj, key: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined) {
    if (fallback === undefined) throw new NetworkFileError(`network file: ${key} is required`);
    return fallback;
  }
  if (typeof v !== 'string') throw new NetworkFileError(`network file: ${key} must be a string`);
  return v;
}

export function parsePowFunc(v: unknown): PowFunc {
  if (v === undefined || v === null) return 'sha256d';
  if (v === 'sha256d') return 'sha256d';
  if (
    typeof v === 'string' &&
    /^scrypt(\(\s*N\s*=\s*1024\s*,\s*r\s*=\s*1\s*,\s*p\s*=\s*1\s*,\s*dkLen\s*=\s*32\s*\))?$/.test(v.replace(/\s+/g, ''))
  )
    return 'scrypt';
  throw new NetworkFileError(`network file: pow_func must be "sha256d" or "scrypt(N=1024,r=1,p=1,dkLen=32)", got ${JSON.stringify(v)}`);
}

/** SUBSIDY_FUNC as `{INITIAL, HALVING_INTERVAL}` or in the reference's notation, e.g.
 *  "50*100000000 >> (height + 1)//210000" (docs/consensus-core.md). */
function parseSubsidy(v: unknown, base: ParentNetwork): { initial: bigint; interval: number; expr?: SubsidyExpr } {
  if (v === undefined || v === null) return { initial: base.SUBSIDY_INITIAL, interval: base.SUBSIDY_HALVING_INTERVAL };
  if (typeof v === 'object') {
    const o = v as Obj;
    return { initial: big(o, 'INITIAL'), interval: int(o, 'HALVING_INTERVAL') };
  }
  if (typeof v !== 'string')
    throw new NetworkFileError(
      `network file: SUBSIDY_FUNC must be a string such as "50*100000000 >> (height + 1)//210000", got ${JSON.stringify(v)}`,
    );
  let expr: SubsidyExpr;
  try {
    expr = parseSubsidyExpr(v);
    for (const h of [0, 1, 1_000_000]) if (evalSubsidyExpr(expr, h) < 0n) throw new SubsidyExprError(`negative subsidy at height ${h}`);
  } catch (e) {
    if (!(e instanceof SubsidyExprError)) throw e;
    throw new NetworkFileError(
      `network file: SUBSIDY_FUNC ${JSON.stringify(v)}: ${e.message}; write it as the reference does, with integers, height, +, *, //, >> and parentheses, e.g. "50*100000000 >> (height + 1)//210000"`,
    );
  }
  const h = halvingForm(expr);
  // The usual halving form keeps the two constants (the fast path every built-in network uses).
  return h !== null
    ? { initial: h.initial, interval: h.interval }
    : { initial: evalSubsidyExpr(expr, 0), interval: base.SUBSIDY_HALVING_INTERVAL, expr };
}

function loadParent(p: Obj | undefined, powFunc: unknown, baseName: unknown): ParentNetwork {
  let base = bitcoinParent;
  if (typeof baseName === 'string') {
    const b = PARENTS[baseName];
    if (!b) throw new NetworkFileError(`network file: unknown parent network ${JSON.stringify(baseName)}`);
    base = b;
  }
  const o = p ?? {};
  const sub = parseSubsidy(o.SUBSIDY_FUNC, base);
  return {
    ...base,
    NAME: str(o, 'NAME', base.NAME),
    SYMBOL: str(o, 'SYMBOL', base.SYMBOL),
    ADDRESS_VERSION: int(o, 'ADDRESS_VERSION', base.ADDRESS_VERSION),
    ADDRESS_P2SH_VERSION: o.ADDRESS_P2SH_VERSION === undefined ? base.ADDRESS_P2SH_VERSION : int(o, 'ADDRESS_P2SH_VERSION'),
    HUMAN_READABLE_PART: o.HUMAN_READABLE_PART === undefined ? base.HUMAN_READABLE_PART : str(o, 'HUMAN_READABLE_PART'),
    DUMB_SCRYPT_DIFF: int(o, 'DUMB_SCRYPT_DIFF', base.DUMB_SCRYPT_DIFF),
    SUBSIDY_INITIAL: sub.initial,
    SUBSIDY_HALVING_INTERVAL: sub.interval,
    ...(sub.expr ? { SUBSIDY_EXPR: sub.expr } : {}),
    POW_FUNC: powFunc === undefined && o.POW_FUNC === undefined ? base.POW_FUNC : parsePowFunc(powFunc ?? o.POW_FUNC),
    BLOCK_PERIOD: int(o, 'BLOCK_PERIOD', base.BLOCK_PERIOD),
    DUST_THRESHOLD: big(o, 'DUST_THRESHOLD', base.DUST_THRESHOLD),
  };
}

/** Lineage when the file does not say: v16/17 are the forrestv classes, v32–35 jtoomim's, v36 p2pool-merged-v36's. */
export function defaultLineage(version: number): Lineage {
  return version >= 36 ? 'V36' : version >= 32 ? 'JT' : 'FV';
}

/**
 * A custom network from a JSON/YAML document: either the `net` object itself, or a document with
 * `net`, optional `parent`, `pow_func` and `version` (the vector files load as they are). Values not
 * given default to Bitcoin mainnet's, as in the reference.
 */
export function networkFromDocument(doc: unknown, name = 'custom'): Network {
  if (!doc || typeof doc !== 'object') throw new NetworkFileError('network file: expected an object');
  const d = doc as Obj;
  const n = (d.net && typeof d.net === 'object' ? d.net : d) as Obj;
  const version = d.version ?? n.GENESIS_SHARE_VERSION ?? n.VERSION;
  const genesis = version === undefined ? 35 : Number(version);
  const lineage = (n.LINEAGE ?? d.lineage ?? defaultLineage(genesis)) as Lineage;
  if (lineage !== 'JT' && lineage !== 'FV' && lineage !== 'V36')
    throw new NetworkFileError('network file: LINEAGE must be "JT", "FV" or "V36"');
  const parent = loadParent(
    (d.parent ?? n.PARENT_PARAMS ?? (typeof n.PARENT === 'object' ? n.PARENT : undefined)) as Obj | undefined,
    d.pow_func ?? n.POW_FUNC,
    typeof n.PARENT === 'string' ? n.PARENT : undefined,
  );
  const chainLength = int(n, 'CHAIN_LENGTH');
  return {
    NAME: str(n, 'NAME', name),
    LINEAGE: lineage,
    PARENT: parent,
    IDENTIFIER: bytes(n, 'IDENTIFIER', 8),
    PREFIX: bytes(n, 'PREFIX', 8),
    SHARE_PERIOD: int(n, 'SHARE_PERIOD'),
    CHAIN_LENGTH: chainLength,
    REAL_CHAIN_LENGTH: int(n, 'REAL_CHAIN_LENGTH', chainLength),
    TARGET_LOOKBEHIND: int(n, 'TARGET_LOOKBEHIND'),
    SPREAD: int(n, 'SPREAD'),
    MIN_TARGET: big(n, 'MIN_TARGET', 0n),
    MAX_TARGET: big(n, 'MAX_TARGET'),
    SEGWIT_ACTIVATION_VERSION: int(n, 'SEGWIT_ACTIVATION_VERSION', 0),
    BLOCK_MAX_SIZE: int(n, 'BLOCK_MAX_SIZE', 1000000),
    BLOCK_MAX_WEIGHT: int(n, 'BLOCK_MAX_WEIGHT', 4000000),
    P2P_PORT: int(n, 'P2P_PORT', 9333),
    WORKER_PORT: int(n, 'WORKER_PORT', 9332),
    BOOTSTRAP_ADDRS: Array.isArray(n.BOOTSTRAP_ADDRS) ? n.BOOTSTRAP_ADDRS.map(String) : [],
    PERSIST: n.PERSIST === undefined ? false : Boolean(n.PERSIST),
    MINIMUM_PROTOCOL_VERSION: int(n, 'MINIMUM_PROTOCOL_VERSION', lineage === 'FV' ? 1600 : 3301),
    NEW_MINIMUM_PROTOCOL_VERSION: n.NEW_MINIMUM_PROTOCOL_VERSION === undefined ? undefined : int(n, 'NEW_MINIMUM_PROTOCOL_VERSION'),
    GENESIS_SHARE_VERSION: genesis,
  };
}

export function networkFromText(text: string, name?: string): Network {
  return networkFromDocument(parseNetworkText(text), name);
}

export { NETWORKS };
