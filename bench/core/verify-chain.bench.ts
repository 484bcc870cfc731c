// Full verification of 2×CHAIN_LENGTH (17,280) mainnet-shaped v35 shares, cold, on one core:
// parse + PoW + hashes, add to the tracker, check() each against its ancestors (PPLNS over 8,640).
import { benchChain, benchNetwork, SHARES } from './chain-cache.ts';
import { verifyChain } from '../../services/core/tracker/verify-chain.ts';

for (const pow of ['sha256d', 'scrypt'] as const) {
  const packed = benchChain(pow);
  const net = benchNetwork(pow);
  const t = performance.now();
  let failed = 0;
  for (const v of verifyChain(net, packed, Math.floor(Date.now() / 1000) + 10 ** 9)) if (!v.ok) failed++;
  const s = (performance.now() - t) / 1000;
  if (failed) throw new Error(`${failed} shares failed verification`);
  console.log(`verify_chain_${SHARES}_${pow}: ${s.toFixed(2)} s`);
  console.log(`verify_chain_${pow}_rate: ${Math.round(SHARES / s)} shares/s`);
}
