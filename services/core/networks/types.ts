import type { AddressParams } from '../bitcoin/address.ts';
import { evalSubsidyExpr, type SubsidyExpr } from './subsidy-expr.ts';

export type PowFunc = 'sha256d' | 'scrypt';
/** FV: forrestv (v16/17); JT: jtoomim (v17–v35); V36: p2pool-merged-v36 (JT's versions plus v36, the live Litecoin network). */
export type Lineage = 'JT' | 'FV' | 'V36';

/** The coin a P2Pool network mines (p2pool/bitcoin/networks/*.py). */
export interface ParentNetwork extends AddressParams {
  NAME: string;
  SYMBOL: string;
  /** Which chain the full node must report: 'main', 'test' or 'regtest'. */
  CHAIN: 'main' | 'test' | 'regtest';
  POW_FUNC: PowFunc;
  BLOCK_PERIOD: number;
  /** SUBSIDY_FUNC(h) = SUBSIDY_INITIAL >> ((h + 1) // SUBSIDY_HALVING_INTERVAL) (the reference's off-by-one kept). */
  SUBSIDY_INITIAL: bigint;
  SUBSIDY_HALVING_INTERVAL: number;
  /** A network file's SUBSIDY_FUNC that is not the halving form above: evaluated instead of it. */
  SUBSIDY_EXPR?: SubsidyExpr;
  DUMB_SCRYPT_DIFF: number;
  DUST_THRESHOLD: bigint;
  SANE_TARGET_RANGE: [bigint, bigint];
  P2P_PREFIX: Buffer;
  P2P_PORT: number;
  RPC_PORT: number;
  /** GBT rules the node may mine with (an allow-list; '!' prefixes are stripped before matching). */
  SOFTFORKS_REQUIRED: string[];
  BLOCK_EXPLORER_URL_PREFIX?: string;
  ADDRESS_EXPLORER_URL_PREFIX?: string;
  TX_EXPLORER_URL_PREFIX?: string;
}

/** A P2Pool network: the sharechain's consensus constants (p2pool/networks/*.py). */
export interface Network {
  NAME: string;
  LINEAGE: Lineage;
  PARENT: ParentNetwork;
  IDENTIFIER: Buffer;
  PREFIX: Buffer;
  SHARE_PERIOD: number;
  CHAIN_LENGTH: number;
  REAL_CHAIN_LENGTH: number;
  TARGET_LOOKBEHIND: number;
  SPREAD: number;
  MIN_TARGET: bigint;
  MAX_TARGET: bigint;
  /** 0 = never. */
  SEGWIT_ACTIVATION_VERSION: number;
  BLOCK_MAX_SIZE: number;
  BLOCK_MAX_WEIGHT: number;
  P2P_PORT: number;
  WORKER_PORT: number;
  BOOTSTRAP_ADDRS: string[];
  PERSIST: boolean;
  MINIMUM_PROTOCOL_VERSION: number;
  /** [FV] raised to this when ≥ 95 % of the voting window is v17. */
  NEW_MINIMUM_PROTOCOL_VERSION?: number;
  /** The share version a brand-new chain starts with (the reference: its lineage's `Share` class). */
  GENESIS_SHARE_VERSION: number;
}

export function subsidy(parent: ParentNetwork, height: number): bigint {
  if (parent.SUBSIDY_EXPR !== undefined) return evalSubsidyExpr(parent.SUBSIDY_EXPR, height);
  const halvings = Math.floor((height + 1) / parent.SUBSIDY_HALVING_INTERVAL);
  return halvings >= 64 ? 0n : parent.SUBSIDY_INITIAL >> BigInt(halvings);
}
