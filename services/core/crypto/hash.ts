import { hash as oneShot } from 'node:crypto';
import { readU256 } from '../codec/reader.ts';

export function sha256(data: Uint8Array): Buffer {
  return oneShot('sha256', data, 'buffer');
}

/** SHA-256 applied twice: Bitcoin's block, transaction and merkle hash. */
export function sha256d(data: Uint8Array): Buffer {
  return oneShot('sha256', oneShot('sha256', data, 'buffer'), 'buffer');
}

/** sha256d read as a little-endian 256-bit integer (the reference's `hash256`). */
export function hash256(data: Uint8Array): bigint {
  return readU256(sha256d(data), 0);
}

export function ripemd160(data: Uint8Array): Buffer {
  return oneShot('ripemd160', data, 'buffer');
}

/** RIPEMD-160 of SHA-256: the 20-byte hash in P2PKH and P2WPKH outputs. */
export function hash160(data: Uint8Array): Buffer {
  return ripemd160(sha256(data));
}
