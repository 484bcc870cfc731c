// Per-coin, per-network facts the template builder needs about the full node it talks to.
// Ports and magics: Bitcoin/Litecoin chainparams (docs/protocol.md §10.2). Sane target ranges are wider than the
// reference's: its mainnet lower bounds predate today's difficulty and would reject real templates.

export type CoinName = 'bitcoin' | 'litecoin';
export type NetworkName = 'main' | 'test' | 'regtest';
export type NodeFlavor = 'core' | 'btcd';

export interface CoinParams {
  coin: CoinName;
  network: NetworkName;
  /** getblockchaininfo.chain values accepted for this network (btcd says "mainnet", "regtest", "testnet3"). */
  chainNames: string[];
  p2pMagic: Buffer;
  p2pPort: number;
  rpcPort: number;
  /** rules passed to getblocktemplate. */
  gbtRules: string[];
  /** Rules we know how to build blocks for; an unknown "!rule" in a template makes it unusable. */
  knownRules: Set<string>;
  /** Soft forks that must be in the template's rules (when the node reports rules at all). */
  requiredRules: string[];
  saneTargetMin: bigint;
  saneTargetMax: bigint;
  /** Proof of work of block headers: sha256d for Bitcoin, scrypt(1024,1,1) for Litecoin. */
  pow: 'sha256d' | 'scrypt';
  /** Default data dir name under $HOME and conf file name, for credential lookup. */
  dataDirName: string;
  confName: string;
  /** Sub-directory of the data dir holding this network's cookie. */
  cookieSubdir: string;
  address: { pubKeyHash: number; scriptHash: number; bech32: string };
  nodeName: string;
  /** Blocks per subsidy halving (regtest: 150). */
  halvingInterval: number;
  /** Blocks per difficulty retarget; 0 where the target never changes (regtest). */
  retargetInterval: number;
}

const TWO256 = 1n << 256n;
const BASE_RULES = ['csv', 'segwit', 'taproot', 'testdummy'];

function params(p: Omit<CoinParams, 'knownRules' | 'halvingInterval' | 'retargetInterval'> & { extraRules?: string[] }): CoinParams {
  const { extraRules = [], ...rest } = p;
  const regtest = p.network === 'regtest';
  return {
    ...rest,
    knownRules: new Set([...BASE_RULES, ...extraRules]),
    halvingInterval: regtest ? 150 : p.coin === 'litecoin' ? 840_000 : 210_000,
    retargetInterval: regtest ? 0 : 2016,
  };
}

/** Block subsidy at `height`, in satoshis (50 coins halved every halvingInterval blocks). */
export function blockSubsidy(coin: CoinParams, height: number): bigint {
  const halvings = Math.floor(height / coin.halvingInterval);
  return halvings >= 64 ? 0n : (50n * 100_000_000n) >> BigInt(halvings);
}

const magic = (hex: string) => Buffer.from(hex, 'hex');

const TABLE: Record<CoinName, Record<NetworkName, CoinParams>> = {
  bitcoin: {
    main: params({
      coin: 'bitcoin',
      network: 'main',
      chainNames: ['main', 'mainnet'],
      p2pMagic: magic('f9beb4d9'),
      p2pPort: 8333,
      rpcPort: 8332,
      gbtRules: ['segwit'],
      requiredRules: ['segwit'],
      saneTargetMin: TWO256 / (1n << 32n) / 10n ** 18n - 1n,
      saneTargetMax: TWO256 / (1n << 32n) - 1n,
      pow: 'sha256d',
      dataDirName: '.bitcoin',
      confName: 'bitcoin.conf',
      cookieSubdir: '',
      address: { pubKeyHash: 0, scriptHash: 5, bech32: 'bc' },
      nodeName: 'bitcoind',
    }),
    test: params({
      coin: 'bitcoin',
      network: 'test',
      chainNames: ['test', 'testnet3'],
      p2pMagic: magic('0b110907'),
      p2pPort: 18333,
      rpcPort: 18332,
      gbtRules: ['segwit'],
      requiredRules: ['segwit'],
      saneTargetMin: TWO256 / (1n << 32n) / 10n ** 12n - 1n,
      saneTargetMax: TWO256 / (1n << 32n) - 1n,
      pow: 'sha256d',
      dataDirName: '.bitcoin',
      confName: 'bitcoin.conf',
      cookieSubdir: 'testnet3',
      address: { pubKeyHash: 111, scriptHash: 196, bech32: 'tb' },
      nodeName: 'bitcoind',
    }),
    regtest: params({
      coin: 'bitcoin',
      network: 'regtest',
      chainNames: ['regtest'],
      p2pMagic: magic('fabfb5da'),
      p2pPort: 18444,
      rpcPort: 18443,
      gbtRules: ['segwit'],
      requiredRules: ['segwit'],
      saneTargetMin: TWO256 / (1n << 32n) / 1000n - 1n,
      saneTargetMax: TWO256 / 2n - 1n,
      pow: 'sha256d',
      dataDirName: '.bitcoin',
      confName: 'bitcoin.conf',
      cookieSubdir: 'regtest',
      address: { pubKeyHash: 111, scriptHash: 196, bech32: 'bcrt' },
      nodeName: 'bitcoind',
    }),
  },
  litecoin: {
    main: params({
      coin: 'litecoin',
      network: 'main',
      chainNames: ['main', 'mainnet'],
      p2pMagic: magic('fbc0b6db'),
      p2pPort: 9333,
      rpcPort: 9332,
      gbtRules: ['segwit', 'mweb'],
      requiredRules: ['segwit'],
      extraRules: ['mweb'],
      saneTargetMin: TWO256 / (1n << 32n) / 10n ** 15n - 1n,
      saneTargetMax: TWO256 / 1000n - 1n,
      pow: 'scrypt',
      dataDirName: '.litecoin',
      confName: 'litecoin.conf',
      cookieSubdir: '',
      address: { pubKeyHash: 48, scriptHash: 50, bech32: 'ltc' },
      nodeName: 'litecoind',
    }),
    test: params({
      coin: 'litecoin',
      network: 'test',
      chainNames: ['test', 'testnet4'],
      p2pMagic: magic('fdd2c8f1'),
      p2pPort: 19335,
      rpcPort: 19332,
      gbtRules: ['segwit', 'mweb'],
      requiredRules: ['segwit'],
      extraRules: ['mweb'],
      saneTargetMin: TWO256 / (1n << 32n) / 10n ** 12n - 1n,
      saneTargetMax: TWO256 - 1n,
      pow: 'scrypt',
      dataDirName: '.litecoin',
      confName: 'litecoin.conf',
      cookieSubdir: 'testnet4',
      address: { pubKeyHash: 111, scriptHash: 58, bech32: 'tltc' },
      nodeName: 'litecoind',
    }),
    regtest: params({
      coin: 'litecoin',
      network: 'regtest',
      chainNames: ['regtest'],
      p2pMagic: magic('fabfb5da'),
      p2pPort: 19444,
      rpcPort: 19443,
      gbtRules: ['segwit', 'mweb'],
      requiredRules: ['segwit'],
      extraRules: ['mweb'],
      saneTargetMin: TWO256 / (1n << 32n) / 1000n - 1n,
      saneTargetMax: TWO256 / 2n - 1n,
      pow: 'scrypt',
      dataDirName: '.litecoin',
      confName: 'litecoin.conf',
      cookieSubdir: 'regtest',
      address: { pubKeyHash: 111, scriptHash: 58, bech32: 'rltc' },
      nodeName: 'litecoind',
    }),
  },
};

export function coinParams(coin: string, network: string): CoinParams {
  const byNet = (TABLE as Record<string, Record<string, CoinParams>>)[coin];
  if (!byNet) throw new Error(`unknown coin "${coin}" (expected one of: ${Object.keys(TABLE).join(', ')})`);
  const p = byNet[network];
  if (!p) throw new Error(`unknown network "${network}" for ${coin} (expected one of: ${Object.keys(byNet).join(', ')})`);
  return p;
}
