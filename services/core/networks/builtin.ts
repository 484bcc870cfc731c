import type { Network } from './types.ts';
import * as parents from './parents.ts';

const T256 = 1n << 256n;
const hex = (h: string) => Buffer.from(h, 'hex');

/** Shared by the jtoomim-lineage networks, the last public BTC/LTC P2Pool networks (share v35). */
const JT_COMMON = {
  LINEAGE: 'JT' as const,
  TARGET_LOOKBEHIND: 200,
  SPREAD: 3,
  MIN_TARGET: 0n,
  BLOCK_MAX_SIZE: 1000000,
  BLOCK_MAX_WEIGHT: 4000000,
  GENESIS_SHARE_VERSION: 17,
};

export const bitcoin: Network = {
  ...JT_COMMON, NAME: 'bitcoin', PARENT: parents.bitcoin,
  IDENTIFIER: hex('fc70035c7a81bc6f'), PREFIX: hex('2472ef181efcd37b'),
  SHARE_PERIOD: 30, CHAIN_LENGTH: 8640, REAL_CHAIN_LENGTH: 8640, MAX_TARGET: T256 / 2n ** 32n - 1n,
  SEGWIT_ACTIVATION_VERSION: 33, P2P_PORT: 9333, WORKER_PORT: 9332, PERSIST: true, MINIMUM_PROTOCOL_VERSION: 3301,
  BOOTSTRAP_ADDRS: ['ml.toom.im', 'ml.toom.im:9336', 'ml.toom.im:9334', 'btc-fork.coinpool.pw:9335', 'crypto.office-on-the.net:9335', 'btc.p2pool.leblancnet.us'],
};

export const bitcoinTestnet: Network = {
  ...JT_COMMON, NAME: 'bitcoin_testnet', PARENT: parents.bitcoinTestnet,
  IDENTIFIER: hex('5fc2be2d4f0d6bfb'), PREFIX: hex('3f6057a15036f441'),
  SHARE_PERIOD: 30, CHAIN_LENGTH: 360, REAL_CHAIN_LENGTH: 360, MAX_TARGET: T256 / 2n ** 32n - 1n,
  SEGWIT_ACTIVATION_VERSION: 15, P2P_PORT: 19333, WORKER_PORT: 19332, PERSIST: false, MINIMUM_PROTOCOL_VERSION: 3200,
  BOOTSTRAP_ADDRS: ['forre.st', 'liteco.in', '78.158.149.247'],
};

export const litecoin: Network = {
  ...JT_COMMON, NAME: 'litecoin', PARENT: parents.litecoin,
  IDENTIFIER: hex('e037d5b8c6923410'), PREFIX: hex('7208c1a53ef629b0'),
  SHARE_PERIOD: 15, CHAIN_LENGTH: 8640, REAL_CHAIN_LENGTH: 8640, MAX_TARGET: T256 / 2n ** 20n - 1n,
  SEGWIT_ACTIVATION_VERSION: 17, P2P_PORT: 9326, WORKER_PORT: 9327, PERSIST: true, MINIMUM_PROTOCOL_VERSION: 3301,
  BOOTSTRAP_ADDRS: ['crypto.office-on-the.net', 'ltc.p2pool.leblancnet.us', '51.148.43.34', '68.131.29.131', '87.102.46.100', '89.237.60.231', '95.79.35.133', '96.255.61.32', '174.56.93.93', '178.238.236.130', '194.190.93.235'],
};

export const litecoinTestnet: Network = {
  ...JT_COMMON, NAME: 'litecoin_testnet', PARENT: parents.litecoinTestnet,
  IDENTIFIER: hex('cca5e24ec6408b1e'), PREFIX: hex('ad9614f6466a39cf'),
  SHARE_PERIOD: 4, CHAIN_LENGTH: 400, REAL_CHAIN_LENGTH: 400, MAX_TARGET: T256 / 20n - 1n,
  SEGWIT_ACTIVATION_VERSION: 17, P2P_PORT: 19338, WORKER_PORT: 19327, PERSIST: false, MINIMUM_PROTOCOL_VERSION: 3301,
  BOOTSTRAP_ADDRS: ['forre.st'],
};

/**
 * Private regtest networks for btcd/bitcoind and litecoind on regtest: easy targets, a short
 * chain, no bootstrap peers, and new chains start at the newest share version.
 */
export const bitcoinRegtest: Network = {
  ...JT_COMMON, NAME: 'bitcoin_regtest', PARENT: parents.bitcoinRegtest,
  IDENTIFIER: hex('5ad2c6ecbd7d9372'), PREFIX: hex('8f2c8d54b3278bc8'),
  SHARE_PERIOD: 10, CHAIN_LENGTH: 360, REAL_CHAIN_LENGTH: 360, MAX_TARGET: T256 / 2n - 1n,
  SEGWIT_ACTIVATION_VERSION: 15, P2P_PORT: 19444, WORKER_PORT: 19443, PERSIST: false, MINIMUM_PROTOCOL_VERSION: 3500,
  BOOTSTRAP_ADDRS: [], GENESIS_SHARE_VERSION: 35,
};

export const litecoinRegtest: Network = {
  ...JT_COMMON, NAME: 'litecoin_regtest', PARENT: parents.litecoinRegtest,
  IDENTIFIER: hex('a3f1c4e2b5d69708'), PREFIX: hex('c2e1b9a4d3f50617'),
  SHARE_PERIOD: 10, CHAIN_LENGTH: 360, REAL_CHAIN_LENGTH: 360, MAX_TARGET: T256 / 2n - 1n,
  SEGWIT_ACTIVATION_VERSION: 15, P2P_PORT: 19448, WORKER_PORT: 19447, PERSIST: false, MINIMUM_PROTOCOL_VERSION: 3500,
  BOOTSTRAP_ADDRS: [], GENESIS_SHARE_VERSION: 35,
};

export const NETWORKS: Record<string, Network> = {
  bitcoin, bitcoin_testnet: bitcoinTestnet, bitcoin_regtest: bitcoinRegtest,
  litecoin, litecoin_testnet: litecoinTestnet, litecoin_regtest: litecoinRegtest,
};

/** `--net NAME [--testnet]` as the reference resolves it. */
export function builtinNetwork(name: string, testnet = false): Network {
  const key = testnet && !name.endsWith('_testnet') ? `${name}_testnet` : name;
  const net = NETWORKS[key];
  if (!net) throw new Error(`unknown network ${JSON.stringify(key)}; known: ${Object.keys(NETWORKS).join(', ')}`);
  return net;
}
