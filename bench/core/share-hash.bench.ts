// Parse-time cost of a share: decode, ref hash, hash link, merkle root, header hash and PoW check.
import { benchChain, benchNetwork } from './chain-cache.ts';
import { parseWrappedShare } from '../../services/core/share/share.ts';

for (const pow of ['sha256d', 'scrypt'] as const) {
  const packed = benchChain(pow).slice(0, 4000);
  const net = benchNetwork(pow);
  for (const p of packed.slice(0, 200)) parseWrappedShare(net, p); // warm up
  const t = performance.now();
  for (const p of packed) parseWrappedShare(net, p);
  const s = (performance.now() - t) / 1000;
  console.log(`share_hash_pow_check_${pow}: ${Math.round(packed.length / s)} shares/s`);
}
