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
  ...JT_COMMON,
  NAME: 'bitcoin',
  PARENT: parents.bitcoin,
  IDENTIFIER: hex('fc70035c7a81bc6f'),
  PREFIX: hex('2472ef181efcd37b'),
  SHARE_PERIOD: 30,
  CHAIN_LENGTH: 8640,
  REAL_CHAIN_LENGTH: 8640,
  MAX_TARGET: T256 / 2n ** 32n - 1n,
  SEGWIT_ACTIVATION_VERSION: 33,
  P2P_PORT: 9333,
  WORKER_PORT: 9332,
  PERSIST: true,
  MINIMUM_PROTOCOL_VERSION: 3301,
  BOOTSTRAP_ADDRS: [
    'ml.toom.im',
    'ml.toom.im:9336',
    'ml.toom.im:9334',
    'btc-fork.coinpool.pw:9335',
    'crypto.office-on-the.net:9335',
    'btc.p2pool.leblancnet.us',
  ],
};

export const bitcoinTestnet: Network = {
  ...JT_COMMON,
  NAME: 'bitcoin_testnet',
  PARENT: parents.bitcoinTestnet,
  IDENTIFIER: hex('5fc2be2d4f0d6bfb'),
  PREFIX: hex('3f6057a15036f441'),
  SHARE_PERIOD: 30,
  CHAIN_LENGTH: 360,
  REAL_CHAIN_LENGTH: 360,
  MAX_TARGET: T256 / 2n ** 32n - 1n,
  SEGWIT_ACTIVATION_VERSION: 15,
  P2P_PORT: 19333,
  WORKER_PORT: 19332,
  PERSIST: false,
  MINIMUM_PROTOCOL_VERSION: 3200,
  BOOTSTRAP_ADDRS: ['forre.st', 'liteco.in', '78.158.149.247'],
};

/**
 * The live Litecoin P2Pool network speaks share version 36 (p2pool-merged-v36 and c2pool, protocol
 * 3600): same IDENTIFIER, PREFIX, ports and periods as the JT network it grew from, V36 rules.
 * A brand-new chain starts at v35, as the reference's ratchet does before it has seen votes.
 */
const V36_COMMON = { ...JT_COMMON, LINEAGE: 'V36' as const, GENESIS_SHARE_VERSION: 35 };

export const litecoin: Network = {
  ...V36_COMMON,
  NAME: 'litecoin',
  PARENT: parents.litecoin,
  IDENTIFIER: hex('e037d5b8c6923410'),
  PREFIX: hex('7208c1a53ef629b0'),
  SHARE_PERIOD: 15,
  CHAIN_LENGTH: 8640,
  REAL_CHAIN_LENGTH: 8640,
  MAX_TARGET: T256 / 2n ** 20n - 1n,
  SEGWIT_ACTIVATION_VERSION: 17,
  P2P_PORT: 9326,
  WORKER_PORT: 9327,
  PERSIST: true,
  MINIMUM_PROTOCOL_VERSION: 3301,
  BOOTSTRAP_ADDRS: [
    'ml.toom.im',
    'usa.p2p-spb.xyz',
    '102.160.209.121',
    '5.188.104.245',
    '20.127.82.115',
    '31.25.241.224',
    '20.113.157.65',
    '20.106.76.227',
    '15.218.180.55',
    '173.79.139.224',
    '174.60.78.162',
  ],
};

export const litecoinTestnet: Network = {
  ...V36_COMMON,
  NAME: 'litecoin_testnet',
  PARENT: parents.litecoinTestnet,
  IDENTIFIER: hex('cca5e24ec6408b1e'),
  PREFIX: hex('ad9614f6466a39cf'),
  SHARE_PERIOD: 4,
  CHAIN_LENGTH: 400,
  REAL_CHAIN_LENGTH: 400,
  MAX_TARGET: T256 / 20n - 1n,
  SEGWIT_ACTIVATION_VERSION: 17,
  P2P_PORT: 19338,
  WORKER_PORT: 19327,
  PERSIST: false,
  MINIMUM_PROTOCOL_VERSION: 3301,
  BOOTSTRAP_ADDRS: ['forre.st'],
};

/**
 * Private regtest networks for btcd/bitcoind and litecoind on regtest: easy targets, a short
 * chain, no bootstrap peers, and new chains start at the newest share version.
 */
export const bitcoinRegtest: Network = {
  ...JT_COMMON,
  NAME: 'bitcoin_regtest',
  PARENT: parents.bitcoinRegtest,
  IDENTIFIER: hex('5ad2c6ecbd7d9372'),
  PREFIX: hex('8f2c8d54b3278bc8'),
  SHARE_PERIOD: 10,
  CHAIN_LENGTH: 360,
  REAL_CHAIN_LENGTH: 360,
  MAX_TARGET: T256 / 2n - 1n,
  SEGWIT_ACTIVATION_VERSION: 15,
  P2P_PORT: 19444,
  WORKER_PORT: 19443,
  PERSIST: false,
  MINIMUM_PROTOCOL_VERSION: 3500,
  BOOTSTRAP_ADDRS: [],
  GENESIS_SHARE_VERSION: 35,
};

export const litecoinRegtest: Network = {
  ...JT_COMMON,
  NAME: 'litecoin_regtest',
  PARENT: parents.litecoinRegtest,
  IDENTIFIER: hex('a3f1c4e2b5d69708'),
  PREFIX: hex('c2e1b9a4d3f50617'),
  SHARE_PERIOD: 10,
  CHAIN_LENGTH: 360,
  REAL_CHAIN_LENGTH: 360,
  MAX_TARGET: T256 / 2n - 1n,
  SEGWIT_ACTIVATION_VERSION: 15,
  P2P_PORT: 19448,
  WORKER_PORT: 19447,
  PERSIST: false,
  MINIMUM_PROTOCOL_VERSION: 3500,
  BOOTSTRAP_ADDRS: [],
  GENESIS_SHARE_VERSION: 35,
};

/** Litecoin regtest with V36 rules, new chains starting at v36: `--net litecoin_regtest_v36`. */
export const litecoinRegtestV36: Network = {
  ...litecoinRegtest,
  ...V36_COMMON,
  NAME: 'litecoin_regtest_v36',
  IDENTIFIER: hex('a3f1c4e2b5d69736'),
  PREFIX: hex('c2e1b9a4d3f50636'),
  P2P_PORT: 19452,
  WORKER_PORT: 19451,
  GENESIS_SHARE_VERSION: 36,
};

/**
 * V36 rules on regtest starting at v35, for the v35 → v36 transition (V36 nodes vote 36 and switch
 * when the rule allows): a short chain and fast shares so the voting window fills quickly. Not shorter
 * than 100: a node verifies a share only with CHAIN_LENGTH shares below it, and a share's checks look
 * back TARGET_LOOKBEHIND shares (its target) and 99 (far_share_hash); with less, a node holding a pruned
 * chain (or a new leader that loaded one from the store) regenerates other share_info than its peers.
 */
export const litecoinRegtestV35: Network = {
  ...litecoinRegtestV36,
  NAME: 'litecoin_regtest_v35',
  IDENTIFIER: hex('a3f1c4e2b5d69735'),
  PREFIX: hex('c2e1b9a4d3f50635'),
  SHARE_PERIOD: 3,
  TARGET_LOOKBEHIND: 60,
  CHAIN_LENGTH: 100,
  REAL_CHAIN_LENGTH: 100,
  P2P_PORT: 19450,
  WORKER_PORT: 19449,
  GENESIS_SHARE_VERSION: 35,
};

export const NETWORKS: Record<string, Network> = {
  bitcoin,
  bitcoin_testnet: bitcoinTestnet,
  bitcoin_regtest: bitcoinRegtest,
  litecoin,
  litecoin_testnet: litecoinTestnet,
  litecoin_regtest: litecoinRegtest,
  litecoin_regtest_v36: litecoinRegtestV36,
  litecoin_regtest_v35: litecoinRegtestV35,
};

/** `--net NAME [--testnet]` as the reference resolves it. */
export function builtinNetwork(name: string, testnet = false): Network {
  const key = testnet && !name.endsWith('_testnet') ? `${name}_testnet` : name;
  const net = NETWORKS[key];
  if (!net) throw new Error(`unknown network ${JSON.stringify(key)}; known: ${Object.keys(NETWORKS).join(', ')}`);
  return net;
}
