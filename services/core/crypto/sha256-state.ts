/**
 * SHA-256 whose state can be exported and resumed (the reference's bitcoin/sha256.py).
 * P2Pool's hash link sends the midstate of the coinbase prefix; a verifier resumes from it.
 * Node's crypto cannot resume from a midstate, hence this small implementation.
 */
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export const SHA256_IV = Buffer.from('6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19', 'hex');

const W = new Uint32Array(64);

function compress(h: Uint32Array, block: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const p = off + i * 4;
    W[i] = ((block[p]! << 24) | (block[p + 1]! << 16) | (block[p + 2]! << 8) | block[p + 3]!) >>> 0;
  }
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15]!,
      b = W[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) >>> 0;
  }
  let a = h[0]!,
    b = h[1]!,
    c = h[2]!,
    d = h[3]!,
    e = h[4]!,
    f = h[5]!,
    g = h[6]!,
    hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) >>> 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) >>> 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) >>> 0;
  }
  h[0] = (h[0]! + a) >>> 0;
  h[1] = (h[1]! + b) >>> 0;
  h[2] = (h[2]! + c) >>> 0;
  h[3] = (h[3]! + d) >>> 0;
  h[4] = (h[4]! + e) >>> 0;
  h[5] = (h[5]! + f) >>> 0;
  h[6] = (h[6]! + g) >>> 0;
  h[7] = (h[7]! + hh) >>> 0;
}

export class Sha256State {
  private readonly h = new Uint32Array(8);
  private buf: Buffer;
  /** Total message bytes fed so far (the reference keeps bits; bytes are exact here). */
  length: number;

  /** Resume from a 32-byte big-endian state, the unprocessed tail `buf` (< 64 bytes) and the total byte count (tail included). */
  constructor(state: Uint8Array = SHA256_IV, buf: Uint8Array = Buffer.alloc(0), length = 0) {
    if (state.length !== 32) throw new Error('sha256 state must be 32 bytes');
    for (let i = 0; i < 8; i++) this.h[i] = Buffer.from(state.buffer, state.byteOffset, 32).readUInt32BE(i * 4);
    this.buf = Buffer.from(buf);
    this.length = length;
    this.flush();
  }

  private flush(): void {
    let off = 0;
    while (this.buf.length - off >= 64) {
      compress(this.h, this.buf, off);
      off += 64;
    }
    if (off) this.buf = this.buf.subarray(off);
  }

  update(data: Uint8Array): this {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : Buffer.from(data);
    this.length += data.length;
    this.flush();
    return this;
  }

  /** The exported midstate: the 8 words big-endian. */
  get state(): Buffer {
    const out = Buffer.allocUnsafe(32);
    for (let i = 0; i < 8; i++) out.writeUInt32BE(this.h[i]!, i * 4);
    return out;
  }

  /** Bytes not yet compressed (always fewer than 64). */
  get pending(): Buffer {
    return Buffer.from(this.buf);
  }

  digest(): Buffer {
    const h = new Uint32Array(this.h);
    const padLen = ((this.buf.length + 9 + 63) >> 6) << 6;
    const tail = Buffer.alloc(padLen);
    this.buf.copy(tail);
    tail[this.buf.length] = 0x80;
    const bits = BigInt(this.length) * 8n;
    tail.writeBigUInt64BE(bits, padLen - 8);
    for (let off = 0; off < padLen; off += 64) compress(h, tail, off);
    const out = Buffer.allocUnsafe(32);
    for (let i = 0; i < 8; i++) out.writeUInt32BE(h[i]!, i * 4);
    return out;
  }
}
