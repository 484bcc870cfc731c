// Builds (once) and caches the 2×CHAIN_LENGTH mainnet-shaped benchmark chains: mining them takes a
// while, verifying them is what is measured.
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { buildChain, easyNetwork } from '../../services/core/testing/chain-builder.ts';
import type { Network } from '../../services/core/networks/types.ts';

export const CHAIN_LENGTH = 8640;
export const SHARES = 2 * CHAIN_LENGTH;
const VERSION = 3; // bump when the builder's output changes

export function benchNetwork(pow: 'sha256d' | 'scrypt'): Network {
  return easyNetwork({ chainLength: CHAIN_LENGTH, pow });
}

export function benchChain(pow: 'sha256d' | 'scrypt'): Buffer[] {
  const dir = join(process.env.P2POOL_CACHE ?? join(homedir(), '.cache', 'p2pool-ts'), 'bench');
  const file = join(dir, `chain-${pow}-${SHARES}-v${VERSION}.hex`);
  if (existsSync(file))
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => Buffer.from(l, 'hex'));
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  const { shares } = buildChain(benchNetwork(pow), { count: SHARES, templateTxs: 3000, miners: undefined });
  const packed = shares.map((s) => s.pack());
  writeFileSync(file + '.tmp', packed.map((p) => p.toString('hex')).join('\n') + '\n');
  renameSync(file + '.tmp', file);
  process.stderr.write(`# built ${SHARES}-share ${pow} chain in ${((performance.now() - t) / 1000).toFixed(1)} s (cached at ${file})\n`);
  return packed;
}
