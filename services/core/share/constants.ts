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
export const GENTX_BEFORE_REFHASH = new Writer(79)
  .varstr(DONATION_SCRIPT)
  .u64(0n)
  .bytes(Buffer.from('2a6a28', 'hex'))
  .toBuffer();

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
