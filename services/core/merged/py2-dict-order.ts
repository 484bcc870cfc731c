/**
 * The iteration order of a CPython 2.7 dict (64-bit, no hash randomization) whose str keys were
 * inserted in the given order. The reference breaks one tie with max() over such a dict (hazard H2,
 * docs/consensus-core.md), so reproducing its merged coinbase byte for byte needs this order.
 */
const M64 = (1n << 64n) - 1n;

export function py2StrHash(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let x = (BigInt(b[0]!) << 7n) & M64;
  for (const c of b) x = ((1000003n * x) & M64) ^ BigInt(c);
  x ^= BigInt(b.length);
  return x === M64 ? M64 - 1n : x;
}

function insert(table: (number | null)[], hashes: bigint[], k: number): void {
  const mask = BigInt(table.length - 1);
  let perturb = hashes[k]!;
  let i = perturb & mask;
  while (table[Number(i & mask)] !== null) {
    i = ((i << 2n) + i + perturb + 1n) & M64;
    perturb >>= 5n;
  }
  table[Number(i & mask)] = k;
}

/** Indices of `keys` in the order a CPython 2.7 dict iterates them after inserting them in order. */
export function py2DictOrder(keys: readonly Uint8Array[]): number[] {
  const hashes = keys.map(py2StrHash);
  let table: (number | null)[] = new Array(8).fill(null);
  let used = 0;
  for (let k = 0; k < keys.length; k++) {
    insert(table, hashes, k);
    used++;
    if (used * 3 >= table.length * 2) {
      let size = 8;
      while (size <= 4 * used) size <<= 1;
      const old = table.filter((x): x is number => x !== null);
      table = new Array(size).fill(null);
      for (const x of old) insert(table, hashes, x);
    }
  }
  return table.filter((x): x is number => x !== null);
}
