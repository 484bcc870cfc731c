/** Output scripts P2Pool pays to, and the BIP-34 height push. */

export function p2pkhScript(hash20: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x76, 0xa9, 0x14]), hash20, Buffer.from([0x88, 0xac])]);
}

export function p2shScript(hash20: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0xa9, 0x14]), hash20, Buffer.from([0x87])]);
}

/** Witness output: OP_n (OP_0 or OP_1..OP_16) and the program pushed directly. */
export function witnessScript(version: number, program: Uint8Array): Buffer {
  const op = version === 0 ? 0 : 0x50 + version;
  return Buffer.concat([Buffer.from([op, program.length]), program]);
}

/**
 * `create_push_script([n])` of the reference for one integer: -1 and 1..16 as OP_N, else the
 * minimal little-endian signed magnitude pushed with a direct length byte.
 */
export function pushInteger(n: bigint | number): Buffer {
  const v = BigInt(n);
  if (v === -1n || (v >= 1n && v <= 16n)) return Buffer.from([Number(0x50n + v)]);
  const bytes: number[] = [];
  let abs = v < 0n ? -v : v;
  while (abs > 0n) {
    bytes.push(Number(abs & 0xffn));
    abs >>= 8n;
  }
  if (bytes.length && bytes[bytes.length - 1]! & 0x80) bytes.push(v < 0n ? 0x80 : 0);
  else if (v < 0n) bytes[bytes.length - 1]! |= 0x80;
  if (bytes.length >= 0x4c) throw new Error('push too long for a direct push');
  return Buffer.from([bytes.length, ...bytes]);
}

export function pushData(data: Uint8Array): Buffer {
  if (data.length >= 0x4c) throw new Error('push too long for a direct push');
  return Buffer.concat([Buffer.from([data.length]), data]);
}

/** First push of a coinbase script read as a little-endian signed integer (BIP-34 height). */
export function parseBip34Height(coinbase: Uint8Array): number | null {
  if (coinbase.length === 0) return null;
  const op = coinbase[0]!;
  if (op >= 0x51 && op <= 0x60) return op - 0x50;
  if (op === 0x4f) return -1;
  if (op < 1 || op > 8 || coinbase.length < 1 + op) return null;
  let v = 0n;
  for (let i = op; i >= 1; i--) v = (v << 8n) | BigInt(coinbase[i]!);
  const top = coinbase[op]!;
  if (top & 0x80) v = -(v & ~(0x80n << BigInt(8 * (op - 1))));
  return Number(v);
}
