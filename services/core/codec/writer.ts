import { EncodeError } from './errors.ts';
import { writeU256LE } from '../bitcoin/uint256.ts';

const M64 = (1n << 64n) - 1n;
const SAFE = 1n << 53n;

/** Growable little-endian writer, the encoding side of Reader. */
export class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.pos;
  }

  private room(n: number): number {
    if (this.pos + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
    const p = this.pos;
    this.pos += n;
    return p;
  }

  u8(v: number): this {
    if (!(v >= 0 && v <= 0xff && Number.isInteger(v))) throw new EncodeError('u8', `${v} out of range`);
    const p = this.room(1);
    this.buf[p] = v;
    return this;
  }
  u16(v: number): this {
    if (!(v >= 0 && v <= 0xffff && Number.isInteger(v))) throw new EncodeError('u16', `${v} out of range`);
    const p = this.room(2);
    this.buf.writeUInt16LE(v, p);
    return this;
  }
  u16be(v: number): this {
    if (!(v >= 0 && v <= 0xffff && Number.isInteger(v))) throw new EncodeError('u16be', `${v} out of range`);
    const p = this.room(2);
    this.buf.writeUInt16BE(v, p);
    return this;
  }
  u32(v: number): this {
    if (!(v >= 0 && v <= 0xffffffff && Number.isInteger(v))) throw new EncodeError('u32', `${v} out of range`);
    const p = this.room(4);
    this.buf.writeUInt32LE(v, p);
    return this;
  }
  u64(v: bigint): this {
    if (v < 0n || v > M64) throw new EncodeError('u64', `${v} out of range`);
    const p = this.room(8);
    if (v < SAFE) {
      // Amounts fit a double exactly: one BigInt conversion instead of writeBigUInt64LE's shifts and masks.
      const n = Number(v);
      const lo = n % 0x100000000;
      this.buf.writeUInt32LE(lo, p);
      this.buf.writeUInt32LE((n - lo) / 0x100000000, p + 4);
    } else this.buf.writeBigUInt64LE(v, p);
    return this;
  }

  uintLE(v: bigint, bytes: number): this {
    if (v < 0n || v >> BigInt(bytes * 8) !== 0n) throw new EncodeError(`uint${bytes * 8}`, `${v} out of range`);
    const p = this.room(bytes);
    for (let i = 0; i < bytes; i++) {
      this.buf[p + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return this;
  }

  u256(v: bigint): this {
    if (v < 0n || v >> 256n !== 0n) throw new EncodeError('uint256', `${v} out of range`);
    const p = this.room(32);
    writeU256LE(this.buf, p, v);
    return this;
  }

  /** PossiblyNone(0, IntType(256)); a real value of 0 cannot be written. */
  optionalU256(v: bigint | null): this {
    if (v === 0n) throw new EncodeError('uint256', '0 is reserved for None');
    return this.u256(v ?? 0n);
  }

  varint(v: number | bigint): this {
    if (typeof v === 'number' && v >= 0 && v < 0xfd && Number.isInteger(v)) {
      const p = this.room(1);
      this.buf[p] = v;
      return this;
    }
    const n = typeof v === 'bigint' ? v : BigInt(v);
    if (n < 0n || n > M64) throw new EncodeError('VarInt', `${v} out of range`);
    if (n < 0xfdn) return this.u8(Number(n));
    if (n <= 0xffffn) {
      this.u8(0xfd);
      return this.u16(Number(n));
    }
    if (n <= 0xffffffffn) {
      this.u8(0xfe);
      return this.u32(Number(n));
    }
    this.u8(0xff);
    return this.u64(n);
  }

  bytes(b: Uint8Array): this {
    const p = this.room(b.length);
    this.buf.set(b, p);
    return this;
  }

  varstr(b: Uint8Array): this {
    return this.varint(b.length).bytes(b);
  }

  u256List(list: readonly bigint[]): this {
    this.varint(list.length);
    for (const h of list) this.u256(h);
    return this;
  }

  /** The written bytes (a fresh copy, so the writer can be reused). */
  toBuffer(): Buffer {
    // Buffer.from(a Buffer view) copies byte by byte through the array-like path; copy() is a memcpy.
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** Start over, keeping the buffer (a scratch writer on a hot path). */
  reset(): this {
    this.pos = 0;
    return this;
  }

  /** Copy the written bytes to `target` (at least `length` bytes) and return the copied view. */
  copyTo(target: Buffer, offset = 0): Buffer {
    this.buf.copy(target, offset, 0, this.pos);
    return target.subarray(offset, offset + this.pos);
  }
}

/** A Bitcoin VarInt on its own (block and message headers outside a Writer). */
export function encodeVarInt(n: number | bigint): Buffer {
  return new Writer(9).varint(n).toBuffer();
}
