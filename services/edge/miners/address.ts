// Payout-address validation behind a small interface, so the core's addressToScript (with the
// coin parameters the rest of the node uses) can replace the bitcoinjs-lib default later.
import { address as btcAddress } from 'bitcoinjs-lib';
import type { Network } from 'bitcoinjs-lib';

export type AddressCheck = { ok: true } | { ok: false; reason: string };

export interface AddressValidator {
  readonly coin: string;
  validate(address: string): AddressCheck;
}

const BASE58_RE = /^[1-9A-HJ-NP-Za-km-z]{25,36}$/;
const BECH32_RE = /^[a-z]{1,83}1[02-9ac-hj-np-z]{6,}$/i;

/**
 * Whether a username looks like someone meant to type an address. Such names get an error
 * when invalid; anything else ("x", "rig1") quietly pays the node's address, as the reference does.
 */
export function looksLikeAddress(s: string): boolean {
  return BASE58_RE.test(s) || BECH32_RE.test(s);
}

function net(bech32: string, pubKeyHash: number, scriptHash: number): Network {
  return { messagePrefix: '', bech32, bip32: { public: 0, private: 0 }, pubKeyHash, scriptHash, wif: 0 };
}

export const COIN_NETWORKS: Record<string, Network> = {
  bitcoin: net('bc', 0x00, 0x05),
  bitcoin_testnet: net('tb', 0x6f, 0xc4),
  bitcoin_regtest: net('bcrt', 0x6f, 0xc4),
  litecoin: net('ltc', 0x30, 0x32),
  litecoin_testnet: net('tltc', 0x6f, 0x3a),
  litecoin_regtest: net('rltc', 0x6f, 0x3a),
};

export class NetworkAddressValidator implements AddressValidator {
  readonly coin: string;
  private readonly network: Network;

  constructor(coin: string, network?: Network) {
    const n = network ?? COIN_NETWORKS[coin];
    if (!n) throw new Error(`no address parameters for coin '${coin}'`);
    this.coin = coin;
    this.network = n;
  }

  validate(address: string): AddressCheck {
    try {
      btcAddress.toOutputScript(address, this.network);
      return { ok: true };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return { ok: false, reason: `'${address}' is not a valid ${this.coin} address (${why})` };
    }
  }
}
