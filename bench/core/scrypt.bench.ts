// Litecoin PoW: Node's native crypto.scrypt against scrypt-js on 80-byte headers (N=1024, r=1, p=1).
import { scryptSync } from 'node:crypto';
import scryptJs from 'scrypt-js';
import { scryptPow } from '../../services/core/crypto/scrypt.ts';

const header = Buffer.alloc(80, 7);
function rate(fn: (h: Buffer) => unknown, seconds: number): number {
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    header.writeUInt32LE(n, 76);
    fn(header);
    n++;
  }
  return n / seconds;
}
const native = rate((h) => scryptSync(h, h, 32, { N: 1024, r: 1, p: 1 }), 2);
const js = rate((h) => scryptJs.syncScrypt(h, h, 1024, 1, 1, 32), 2);
const ours = rate(scryptPow, 1);
// Same bytes from both implementations, or the comparison means nothing.
if (!Buffer.from(scryptJs.syncScrypt(header, header, 1024, 1, 1, 32)).equals(scryptPow(header)))
  throw new Error('scrypt implementations disagree');
console.log(`scrypt_native: ${Math.round(native)} hashes/s`);
console.log(`scrypt_js: ${Math.round(js)} hashes/s`);
console.log(`scrypt_native_speedup: ${(native / js).toFixed(1)} x`);
console.log(`scrypt_pow_used: ${Math.round(ours)} hashes/s`);
