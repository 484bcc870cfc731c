// Merged chains' payout addresses: what a miner's `PARENT_ADDR,AUX_ADDR` username names on the aux
// chain (spec p2pool-v36 §8.2: a P2PKH or P2SH script). Dogecoin and Namecoin have no segwit, so only
// base58 addresses; which network's version bytes apply follows the parent chain (main, test, regtest).
import { decodeAddress, InvalidAddressError, type AddressParams } from '../bitcoin/address.ts';
import type { ParentNetwork } from '../networks/types.ts';
import { DOGE_CHAIN_ID } from '../merged/commitment.ts';

export const NAMECOIN_CHAIN_ID = 0x01;

type ChainKind = ParentNetwork['CHAIN'];

const ADDRESS_PARAMS: Record<number, { name: string; params: Record<ChainKind, AddressParams> }> = {
  [DOGE_CHAIN_ID]: {
    name: 'dogecoin',
    params: {
      main: { ADDRESS_VERSION: 0x1e, ADDRESS_P2SH_VERSION: 0x16 },
      test: { ADDRESS_VERSION: 0x71, ADDRESS_P2SH_VERSION: 0xc4 },
      regtest: { ADDRESS_VERSION: 0x6f, ADDRESS_P2SH_VERSION: 0xc4 },
    },
  },
  [NAMECOIN_CHAIN_ID]: {
    name: 'namecoin',
    params: {
      main: { ADDRESS_VERSION: 0x34, ADDRESS_P2SH_VERSION: 0x0d },
      test: { ADDRESS_VERSION: 0x6f, ADDRESS_P2SH_VERSION: 0xc4 },
      regtest: { ADDRESS_VERSION: 0x6f, ADDRESS_P2SH_VERSION: 0xc4 },
    },
  },
};

/** The payout script of `address` on merged chain `chainId` beside a parent on `chain`; InvalidAddressError otherwise. */
export function mergedPayoutScript(chainId: number, chain: ChainKind, address: string): Buffer {
  const known = ADDRESS_PARAMS[chainId];
  if (known === undefined) throw new InvalidAddressError(address, `no address rules for merged chain id ${chainId}`);
  const d = decodeAddress(address, known.params[chain]);
  if (d.kind !== 'p2pkh' && d.kind !== 'p2sh') throw new InvalidAddressError(address, `${known.name} pays P2PKH or P2SH only`);
  return d.script;
}
