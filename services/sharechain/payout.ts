// The node's payout address (docs/protocol.md §7.5, §8.4): `-a ADDRESS`, else an address from the full node's
// wallet (cached in <datadir>/cached_payout_address and re-checked), validated for the network.
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAddress, type Network } from '../core/index.ts';
import type { PayoutConfig } from './sharechain.ts';

export interface PayoutOptions {
  net: Network;
  /** -a / --address */
  address?: string;
  /** --give-author (default [JT] 0 %) and -f / --fee (default 0 %). */
  donationPercent?: number;
  workerFeePercent?: number;
  dataDir?: string;
  /** Asks the full node's wallet for a new address (getnewaddress), and whether an address is its own. */
  wallet?: { newAddress(): Promise<string>; isMine?(address: string): Promise<boolean> };
}

export class PayoutAddressError extends Error {}

function check(net: Network, address: string, where: string): string {
  try {
    decodeAddress(address, net.PARENT);
  } catch (e) {
    throw new PayoutAddressError(`${where}: ${(e as Error).message}`);
  }
  return address;
}

function percent(name: string, v: number | undefined): number {
  const x = v ?? 0;
  if (!Number.isFinite(x) || x < 0 || x > 100) throw new PayoutAddressError(`${name} must be a percentage between 0 and 100, got ${v}`);
  return x;
}

export async function resolvePayout(o: PayoutOptions): Promise<PayoutConfig> {
  const donationPercent = percent('--give-author', o.donationPercent);
  const workerFeePercent = percent('-f/--fee', o.workerFeePercent);
  if (o.address) return { address: check(o.net, o.address, '-a'), donationPercent, workerFeePercent };
  const cacheFile = o.dataDir ? join(o.dataDir, 'cached_payout_address') : null;
  if (cacheFile && existsSync(cacheFile)) {
    const cached = readFileSync(cacheFile, 'utf8').trim();
    let ok = false;
    try {
      check(o.net, cached, 'cached payout address');
      ok = true;
    } catch {
      ok = false;
    }
    if (ok && (!o.wallet?.isMine || (await o.wallet.isMine(cached)))) return { address: cached, donationPercent, workerFeePercent };
  }
  if (!o.wallet) throw new PayoutAddressError('no payout address: pass -a ADDRESS or enable the full node wallet');
  const address = check(o.net, await o.wallet.newAddress(), 'address from the full node wallet');
  if (cacheFile) {
    writeFileSync(cacheFile + '.new', address + '\n');
    renameSync(cacheFile + '.new', cacheFile);
  }
  return { address, donationPercent, workerFeePercent };
}
