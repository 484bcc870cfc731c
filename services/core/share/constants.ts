import { Writer } from '../codec/writer.ts';

/** The P2PK output that receives donations and every rounding remainder (docs/protocol.md §6.3). */
export const DONATION_SCRIPT = Buffer.from(
  '4104ffd03de44a6e11b9917f3a29f9443283d9871c9d743ef30d5eddcd37094b64d1b3d8090496b53256786bf5c82932ec23c3b74d9f05a6f95a8b5529352656664bac',
  'hex',
);

/** hash160 of the donation pubkey: the [JT] PPLNS key of the donation is its P2PKH address. */
export const DONATION_PUBKEY_HASH = Buffer.from('d03da6fca390166d020be0e7c28ac8cc70f58403', 'hex');

/**
 * The last 79 bytes of every gentx before the ref hash: donation output script, the OP_RETURN
 * output's zero value and the first three bytes of its script. Fixed, so shares send only a midstate.
 */
export const GENTX_BEFORE_REFHASH = new Writer(79).varstr(DONATION_SCRIPT).u64(0n).bytes(Buffer.from('2a6a28', 'hex')).toBuffer();

/** Witness reserved value P2Pool commits to: ASCII "[P2Pool]" four times. */
export const WITNESS_RESERVED_VALUE = Buffer.from('[P2Pool][P2Pool][P2Pool][P2Pool]', 'ascii');

export const COINBASE_MIN = 2;
export const COINBASE_MAX = 100;
export const MAX_PAYOUT_OUTPUTS = 4000;
/** Max share_count of a transaction ref at parse time; generation looks back 100 shares. */
export const TX_REF_SHARE_LIMIT = 110;
export const TX_REF_LOOKBACK = 100;
/** [JT] rejects shares whose timestamp is this far in the future. */
export const MAX_FUTURE_SECONDS = 600;

/**
 * V36's donation output: P2SH of a 1-of-2 multisig over the old donation key and the V36
 * maintainer's key (docs/consensus-core.md, V36). It also receives every rounding remainder.
 */
export const COMBINED_DONATION_SCRIPT = Buffer.from('a9148c6272621d89e8fa526dd86acff60c7136be8e8587', 'hex');
export const COMBINED_DONATION_REDEEM_SCRIPT = Buffer.from(
  '512103ffd03de44a6e11b9917f3a29f9443283d9871c9d743ef30d5eddcd37094b64d12102fe6578f8021a7d466787827b3f26437aef88279ef380af326f87ec362633293a52ae',
  'hex',
);

/** The V36 hash link's constant ending: 35 bytes, so `hash_link.extra_data` is often non-empty. */
export const GENTX_BEFORE_REFHASH_V36 = new Writer(35)
  .varstr(COMBINED_DONATION_SCRIPT)
  .u64(0n)
  .bytes(Buffer.from('2a6a28', 'hex'))
  .toBuffer();

/** The keys whose holders may sign V36 authority messages (`message_data`). */
export const AUTHORITY_PUBKEYS: readonly Buffer[] = [
  Buffer.from('03ffd03de44a6e11b9917f3a29f9443283d9871c9d743ef30d5eddcd37094b64d1', 'hex'),
  Buffer.from('02fe6578f8021a7d466787827b3f26437aef88279ef380af326f87ec362633293a', 'hex'),
];
