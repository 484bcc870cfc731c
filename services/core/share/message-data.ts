import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { verify as ecdsaVerify } from '@noble/secp256k1';
import { sha256d } from '../crypto/hash.ts';
import { AUTHORITY_PUBKEYS } from './constants.ts';

/** One signed message inside a V36 `message_data` envelope. */
export interface AuthorityMessage {
  type: number;
  flags: number;
  timestamp: number;
  payload: Buffer;
  signingId: Buffer;
  signature: Buffer;
}

export interface DecodedMessageData {
  /** The authority key that decrypted (and must have signed) the envelope. */
  authority: Buffer;
  flags: number;
  announcement: Buffer | null;
  messages: AuthorityMessage[];
}

const MAX_MESSAGES = 3;
const MAX_PAYLOAD = 220;

function keystream(key: Buffer, length: number): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(length / 32) * 32);
  const counter = Buffer.alloc(4);
  for (let i = 0; i * 32 < length; i++) {
    counter.writeUInt32LE(i, 0);
    createHash('sha256')
      .update(key)
      .update(counter)
      .digest()
      .copy(out, i * 32);
  }
  return out.subarray(0, length);
}

/**
 * Open a V36 authority envelope `01 || nonce(16) || mac(32) || ciphertext` (docs/consensus-core.md,
 * V36 §9): the key is HMAC-SHA256(authority pubkey, nonce), the MAC must match, the plaintext is the
 * ciphertext XOR a SHA-256 counter stream. Returns null when no authority key opens it.
 */
export function decodeMessageData(data: Buffer, authorities: readonly Buffer[] = AUTHORITY_PUBKEYS): DecodedMessageData | null {
  if (data.length < 50 || data[0] !== 1) return null;
  const nonce = data.subarray(1, 17);
  const mac = data.subarray(17, 49);
  const ct = data.subarray(49);
  for (const authority of authorities) {
    const key = createHmac('sha256', authority).update(nonce).digest();
    if (!timingSafeEqual(createHmac('sha256', key).update(ct).digest(), mac)) continue;
    const ks = keystream(key, ct.length);
    const inner = Buffer.allocUnsafe(ct.length);
    for (let i = 0; i < ct.length; i++) inner[i] = ct[i]! ^ ks[i]!;
    if (inner.length < 4 || inner[0] !== 1) return null;
    const flags = inner[1]!;
    const count = inner[2]!;
    const annLen = inner[3]!;
    let off = 4;
    let announcement: Buffer | null = null;
    if (flags & 1 && annLen > 0) {
      announcement = inner.subarray(4, 4 + annLen);
      off += annLen;
    }
    const messages: AuthorityMessage[] = [];
    for (let n = 0; n < Math.min(count, MAX_MESSAGES); n++) {
      if (inner.length - off < 8) break;
      const type = inner[off]!;
      const mflags = inner[off + 1]!;
      const timestamp = inner.readUInt32LE(off + 2);
      const plen = inner.readUInt16LE(off + 6);
      if (plen > MAX_PAYLOAD || inner.length - off - 8 < plen + 21) break;
      const payload = inner.subarray(off + 8, off + 8 + plen);
      const signingId = inner.subarray(off + 8 + plen, off + 8 + plen + 20);
      const slen = inner[off + 8 + plen + 20]!;
      const signature = inner.subarray(off + 8 + plen + 21, off + 8 + plen + 21 + slen);
      if (signature.length < slen) break;
      messages.push({ type, flags: mflags, timestamp, payload, signingId, signature });
      off += 8 + plen + 21 + slen;
    }
    return { authority, flags, announcement, messages };
  }
  return null;
}

/** The digest an authority signs: sha256d(type || flags || timestamp u32 || payload). */
export function authorityMessageDigest(m: Pick<AuthorityMessage, 'type' | 'flags' | 'timestamp' | 'payload'>): Buffer {
  const head = Buffer.allocUnsafe(6);
  head[0] = m.type;
  head[1] = m.flags;
  head.writeUInt32LE(m.timestamp, 2);
  return sha256d(Buffer.concat([head, m.payload]));
}

/**
 * Whether `message_data` may stand in a v36 share: it opens with an authority key and carries at
 * least one message, every one signed (secp256k1 ECDSA, DER, low-S as libsecp256k1 requires) by
 * that key. Anything else is replaced by None when generating, so a share carrying it fails check().
 */
export function validMessageData(data: Buffer, authorities: readonly Buffer[] = AUTHORITY_PUBKEYS): boolean {
  const d = decodeMessageData(data, authorities);
  if (!d || d.messages.length === 0) return false;
  for (const m of d.messages) {
    if (m.signature.length === 0) return false;
    const compact = derToCompact(m.signature);
    let ok = false;
    try {
      ok = compact !== null && ecdsaVerify(compact, authorityMessageDigest(m), d.authority, { prehash: false, lowS: true });
    } catch {
      ok = false;
    }
    if (!ok) return false;
  }
  return true;
}

/** A strict DER ECDSA signature (`30 len 02 len r 02 len s`, minimal integers) as 64 bytes r || s, or null. */
export function derToCompact(der: Buffer): Uint8Array | null {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const out = new Uint8Array(64);
  let p = 2;
  for (let part = 0; part < 2; part++) {
    if (der[p] !== 0x02) return null;
    const len = der[p + 1]!;
    const start = p + 2;
    if (len === 0 || start + len > der.length) return null;
    if (der[start]! & 0x80) return null; // negative
    if (len > 1 && der[start] === 0 && !(der[start + 1]! & 0x80)) return null; // not minimal
    let v = der.subarray(start, start + len);
    if (v.length === 33) v = v.subarray(1);
    if (v.length > 32) return null;
    out.set(v, part * 32 + 32 - v.length);
    p = start + len;
  }
  return p === der.length ? out : null;
}
