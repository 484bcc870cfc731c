// The synthetic work used by the edge benches: a realistic-size coinbase (≈ 250 bytes before
// the nonce) and a 12-level merkle branch (a ~4,000-transaction block), so every submit does
// the real sha256d work: 1 coinbase hash + 12 branch levels + 1 header hash.
import { createHash } from 'node:crypto';
import type { TemplateBasis } from '../../../services/edge/index.ts';

function det(label: string, n: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < n; i++) out.push(createHash('sha256').update(`${label}/${i}`).digest());
  return Buffer.concat(out).subarray(0, n);
}

export function syntheticBasis(seed = 0): TemplateBasis {
  return {
    prevHash: det(`prev${seed}`, 32),
    version: 0x20000000,
    bits: 0x1d00ffff,
    ntime: Math.floor(Date.now() / 1000),
    coinb1: det(`coinb1/${seed}`, 250),
    coinb2: Buffer.from('00000000', 'hex'),
    merkleBranch: Array.from({ length: 12 }, (_, i) => det(`branch${seed}/${i}`, 32)),
    shareTarget: 1n << 200n, // practically never: the bench measures the pseudoshare path
    blockTarget: 1n << 190n,
    pseudoshareTarget: (1n << 256n) - 1n,
  };
}
