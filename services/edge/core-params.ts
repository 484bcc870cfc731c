// The edge's coin-specific settings taken from the consensus core's parent-network table
// (services/core/networks/parents.ts): PoW function, DUMB_SCRYPT_DIFF, SANE_TARGET_RANGE and
// address decoding, so the edge accepts exactly the addresses the core can pay.
import { decodeAddress } from '../core/bitcoin/address.ts';
import { scryptPow } from '../core/crypto/scrypt.ts';
import { PARENTS } from '../core/networks/parents.ts';
import type { ParentNetwork } from '../core/networks/types.ts';
import type { EdgeConfig } from './config.ts';
import type { AddressCheck, AddressValidator } from './miners/address.ts';
import { sha256d } from './codec/sha256.ts';
import { targetToDifficulty } from './codec/target.ts';

export class CoreAddressValidator implements AddressValidator {
  readonly coin: string;
  private readonly parent: ParentNetwork;

  constructor(parent: ParentNetwork) {
    this.parent = parent;
    this.coin = parent.NAME;
  }

  validate(address: string): AddressCheck {
    try {
      decodeAddress(address, this.parent);
      return { ok: true };
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^invalid address "[^"]*": /, '') : String(e);
      return { ok: false, reason: `'${address}' is not a valid ${this.coin} address (${why})` };
    }
  }
}

export function parentNetwork(coin: string): ParentNetwork | undefined {
  return PARENTS[coin];
}

/** EdgeConfig fields for a parent coin (e.g. 'litecoin', 'bitcoin_regtest'). */
export function edgeConfigForParent(parent: ParentNetwork): Partial<EdgeConfig> {
  const [lo, hi] = parent.SANE_TARGET_RANGE;
  const mult = parent.DUMB_SCRYPT_DIFF;
  return {
    coin: parent.NAME,
    difficultyMultiplier: mult,
    powHash: parent.POW_FUNC === 'scrypt' ? scryptPow : sha256d,
    addressValidator: new CoreAddressValidator(parent),
    // SANE_TARGET_RANGE bounds pseudoshare targets, expressed here in miner difficulty units.
    minDifficulty: targetToDifficulty(hi) * mult,
    maxDifficulty: targetToDifficulty(lo) * mult,
  };
}
