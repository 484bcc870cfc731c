import { Sha256State } from '../crypto/sha256-state.ts';
import { sha256 } from '../crypto/hash.ts';
import { readU256 } from '../codec/reader.ts';

/** A SHA-256 midstate standing for a known prefix of a message (p2pool's hash link). */
export interface HashLink {
  state: Buffer;
  /** Always empty for P2Pool shares (the field is FixedStr(0)); kept for the general construction. */
  extraData: Buffer;
  /** Length of the hashed prefix in bytes. */
  length: number;
}

/** Midstate of `prefix`; its unprocessed tail must be implied by `constEnding` (`prefix_to_hash_link`). */
export function prefixToHashLink(prefix: Uint8Array, constEnding: Uint8Array): HashLink {
  const tail = Buffer.from(prefix.subarray(prefix.length - constEnding.length));
  if (!tail.equals(constEnding)) throw new Error('hash link prefix does not end with the constant ending');
  const s = new Sha256State().update(prefix);
  const pending = s.pending;
  return { state: s.state, extraData: pending.subarray(0, Math.max(0, pending.length - constEnding.length)), length: s.length };
}

/** sha256d of (prefix || data) from the prefix's hash link, read as a little-endian integer (`check_hash_link`). */
export function checkHashLink(link: HashLink, data: Uint8Array, constEnding: Uint8Array): bigint {
  const extraLength = link.length % 64;
  if (link.extraData.length !== Math.max(0, extraLength - constEnding.length)) throw new Error('hash link extra data has the wrong length');
  const joined = Buffer.concat([link.extraData, constEnding]);
  const extra = joined.subarray(joined.length - extraLength);
  const inner = new Sha256State(link.state, extra, link.length).update(data).digest();
  return readU256(sha256(inner), 0);
}
