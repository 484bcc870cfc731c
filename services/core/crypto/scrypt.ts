import { scryptSync } from 'node:crypto';

/**
 * Litecoin's proof of work: scrypt(N=1024, r=1, p=1, dkLen=32) with the 80-byte header as both
 * password and salt. Node's native scrypt; bench/core/scrypt.bench.ts measures it against scrypt-js.
 */
export function scryptPow(header: Uint8Array): Buffer {
  return scryptSync(header, header, 32, { N: 1024, r: 1, p: 1, maxmem: 4 << 20 });
}
