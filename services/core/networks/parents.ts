import type { ParentNetwork } from './types.ts';

const T256 = 1n << 256n;
const hex = (h: string) => Buffer.from(h, 'hex');
const BTC_RULES = ['segwit', 'csv', 'bip65', 'bip66', 'taproot', 'testdummy'];
const LTC_RULES = ['segwit', 'csv', 'bip65', 'bip66', 'taproot', 'mweb', 'testdummy'];

export const bitcoin: ParentNetwork = {
  NAME: 'bitcoin',
  SYMBOL: 'BTC',
  CHAIN: 'main',
  POW_FUNC: 'sha256d',
  BLOCK_PERIOD: 600,
  ADDRESS_VERSION: 0,
  ADDRESS_P2SH_VERSION: 5,
  HUMAN_READABLE_PART: 'bc',
  SUBSIDY_INITIAL: 5000000000n,
  SUBSIDY_HALVING_INTERVAL: 210000,
  DUMB_SCRYPT_DIFF: 1,
  DUST_THRESHOLD: 100000n,
  SANE_TARGET_RANGE: [T256 / 2n ** 32n / 10n ** 6n - 1n, T256 / 2n ** 32n - 1n],
  P2P_PREFIX: hex('f9beb4d9'),
  P2P_PORT: 8333,
  RPC_PORT: 8332,
  SOFTFORKS_REQUIRED: BTC_RULES,
  BLOCK_EXPLORER_URL_PREFIX: 'https://mempool.space/block/',
  ADDRESS_EXPLORER_URL_PREFIX: 'https://mempool.space/address/',
  TX_EXPLORER_URL_PREFIX: 'https://mempool.space/tx/',
};

export const bitcoinTestnet: ParentNetwork = {
  ...bitcoin,
  NAME: 'bitcoin_testnet',
  SYMBOL: 'tBTC',
  CHAIN: 'test',
  ADDRESS_VERSION: 111,
  ADDRESS_P2SH_VERSION: 196,
  HUMAN_READABLE_PART: 'tb',
  DUST_THRESHOLD: 100000000n,
  SANE_TARGET_RANGE: [T256 / 2n ** 32n / 10n ** 8n - 1n, T256 / 2n ** 32n - 1n],
  P2P_PREFIX: hex('0b110907'),
  P2P_PORT: 18333,
  RPC_PORT: 18332,
};

export const bitcoinRegtest: ParentNetwork = {
  ...bitcoin,
  NAME: 'bitcoin_regtest',
  SYMBOL: 'rBTC',
  CHAIN: 'regtest',
  ADDRESS_VERSION: 111,
  ADDRESS_P2SH_VERSION: 196,
  HUMAN_READABLE_PART: 'bcrt',
  SUBSIDY_HALVING_INTERVAL: 150,
  DUST_THRESHOLD: 100000000n,
  SANE_TARGET_RANGE: [T256 / 2n ** 32n / 1000n - 1n, T256 / 2n - 1n],
  P2P_PREFIX: hex('fabfb5da'),
  P2P_PORT: 18444,
  RPC_PORT: 18443,
};

export const litecoin: ParentNetwork = {
  NAME: 'litecoin',
  SYMBOL: 'LTC',
  CHAIN: 'main',
  POW_FUNC: 'scrypt',
  BLOCK_PERIOD: 150,
  ADDRESS_VERSION: 48,
  ADDRESS_P2SH_VERSION: 50,
  HUMAN_READABLE_PART: 'ltc',
  SUBSIDY_INITIAL: 5000000000n,
  SUBSIDY_HALVING_INTERVAL: 840000,
  DUMB_SCRYPT_DIFF: 65536,
  DUST_THRESHOLD: 3000000n,
  SANE_TARGET_RANGE: [T256 / 10n ** 15n - 1n, T256 / 1000n - 1n],
  P2P_PREFIX: hex('fbc0b6db'),
  P2P_PORT: 9333,
  RPC_PORT: 9332,
  SOFTFORKS_REQUIRED: LTC_RULES,
  BLOCK_EXPLORER_URL_PREFIX: 'https://blockchair.com/litecoin/block/',
  ADDRESS_EXPLORER_URL_PREFIX: 'https://blockchair.com/litecoin/address/',
  TX_EXPLORER_URL_PREFIX: 'https://blockchair.com/litecoin/transaction/',
};

export const litecoinTestnet: ParentNetwork = {
  ...litecoin,
  NAME: 'litecoin_testnet',
  SYMBOL: 'tLTC',
  CHAIN: 'test',
  ADDRESS_VERSION: 111,
  ADDRESS_P2SH_VERSION: 58,
  HUMAN_READABLE_PART: 'tltc',
  DUST_THRESHOLD: 100000000n,
  SANE_TARGET_RANGE: [1n << 127n, 1n << 239n],
  P2P_PREFIX: hex('fdd2c8f1'),
  P2P_PORT: 19335,
  RPC_PORT: 19332,
};

export const litecoinRegtest: ParentNetwork = {
  ...litecoin,
  NAME: 'litecoin_regtest',
  SYMBOL: 'rLTC',
  CHAIN: 'regtest',
  ADDRESS_VERSION: 111,
  ADDRESS_P2SH_VERSION: 58,
  HUMAN_READABLE_PART: 'rltc',
  SUBSIDY_HALVING_INTERVAL: 150,
  DUST_THRESHOLD: 100000000n,
  SANE_TARGET_RANGE: [T256 / 2n ** 32n / 1000n - 1n, T256 / 2n - 1n],
  P2P_PREFIX: hex('fabfb5da'),
  P2P_PORT: 19444,
  RPC_PORT: 19443,
};

export const PARENTS: Record<string, ParentNetwork> = {
  bitcoin,
  bitcoin_testnet: bitcoinTestnet,
  bitcoin_regtest: bitcoinRegtest,
  litecoin,
  litecoin_testnet: litecoinTestnet,
  litecoin_regtest: litecoinRegtest,
};
