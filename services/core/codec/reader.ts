import { DecodeError } from './errors.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Cursor over a byte string with the reference's primitive types (p2pool/util/pack.py).
 * Every read names its field so a decode error says what and where; nothing reads past the end.
 */
export class Reader {
  readonly buf: Buffer;
  pos: number;
  private readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, field: string): number {
    if (n > this.end - this.pos) {
      throw new DecodeError(field, this.pos, `needs ${n} bytes, ${this.end - this.pos} left`);
    }
    const p = this.pos;
    this.pos += n;
    return p;
  }

  u8(field: string): number {
    return this.buf[this.need(1, field)]!;
  }
  u16(field: string): number {
    return this.buf.readUInt16LE(this.need(2, field));
  }
  u16be(field: string): number {
    return this.buf.readUInt16BE(this.need(2, field));
  }
  u32(field: string): number {
    return this.buf.readUInt32LE(this.need(4, field));
  }
  u64(field: string): bigint {
    return this.buf.readBigUInt64LE(this.need(8, field));
  }

  /** IntType(n) for n a multiple of 8: n/8 bytes little-endian. */
  uintLE(bytes: number, field: string): bigint {
    const p = this.need(bytes, field);
    if (bytes === 32) return readU256(this.buf, p);
    let v = 0n;
    for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.buf[p + i]!);
    return v;
  }

  u256(field: string): bigint {
    return readU256(this.buf, this.need(32, field));
  }

  /** PossiblyNone(0, IntType(256)): 32 zero bytes mean None. */
  optionalU256(field: string): bigint | null {
    const v = this.u256(field);
    return v === 0n ? null : v;
  }

  /** Canonical CompactSize as bigint (the reference rejects non-minimal encodings). */
  varintBig(field: string): bigint {
    const start = this.pos;
    const first = this.u8(field);
    if (first < 0xfd) return BigInt(first);
    let v: bigint;
    let min: bigint;
    if (first === 0xfd) {
      v = BigInt(this.u16(field));
      min = 0xfdn;
    } else if (first === 0xfe) {
      v = BigInt(this.u32(field));
      min = 0x10000n;
    } else {
      v = this.u64(field);
      min = 0x100000000n;
    }
    if (v < min) throw new DecodeError(field, start, 'VarInt not canonically packed');
    return v;
  }

  /** Canonical CompactSize for fields that are counts or small numbers. */
  varint(field: string): number {
    const start = this.pos;
    const first = this.u8(field);
    if (first < 0xfd) return first;
    this.pos = start;
    const v = this.varintBig(field);
    if (v > MAX_SAFE) throw new DecodeError(field, start, `VarInt ${v} exceeds 2^53`);
    return Number(v);
  }

  /** A count of items that are each at least `minItemSize` bytes: bounded by what is left, so garbage cannot allocate. */
  count(field: string, minItemSize: number): number {
    const start = this.pos;
    const n = this.varint(field);
    if (minItemSize > 0 && n * minItemSize > this.end - this.pos) {
      throw new DecodeError(field, start, `count ${n} exceeds the ${this.end - this.pos} bytes left`);
    }
    return n;
  }

  bytes(n: number, field: string): Buffer {
    const p = this.need(n, field);
    return this.buf.subarray(p, p + n);
  }

  varstr(field: string): Buffer {
    const start = this.pos;
    const n = this.varint(field);
    if (n > this.end - this.pos) throw new DecodeError(field, start, `length ${n} exceeds the ${this.end - this.pos} bytes left`);
    return this.bytes(n, field);
  }

  u256List(field: string): bigint[] {
    const n = this.count(field, 32);
    const out = new Array<bigint>(n);
    for (let i = 0; i < n; i++) out[i] = this.u256(field);
    return out;
  }

  /** Whole-message decoding: trailing bytes are an error (the reference's LateEnd). */
  done(what: string): void {
    if (this.pos !== this.end) throw new DecodeError(what, this.pos, `${this.end - this.pos} trailing bytes`);
  }
}

export function readU256(buf: Buffer, p: number): bigint {
  return (
    (buf.readBigUInt64LE(p + 24) << 192n) |
    (buf.readBigUInt64LE(p + 16) << 128n) |
    (buf.readBigUInt64LE(p + 8) << 64n) |
    buf.readBigUInt64LE(p)
  );
}
