// Shared pieces of the sharechain tests: the jt35 vector chain in a Sharechain, and small mined chains.
import { networkFromDocument, hexToU256, type Network } from '../../services/core/index.ts';
import { loadVector } from '../../services/core/testing/vectors.ts';
import { Sharechain, type SharechainOptions } from '../../services/sharechain/sharechain.ts';
import { MemoryShareStore } from '../../services/sharechain/store/memory-store.ts';
import type { ShareStore } from '../../services/sharechain/store/types.ts';

export const VECTOR_NOW = 1600001000;

export async function vectorSharechain(opts: Partial<SharechainOptions> = {}) {
  const v = loadVector('jt35.json');
  const net: Network = networkFromDocument(v);
  const sc = new Sharechain({
    net,
    store: opts.store ?? new MemoryShareStore(),
    thinkIntervalMs: 0,
    now: () => VECTOR_NOW,
    payout: { address: v.shares[0].address, workerFeePercent: 0.5, donationPercent: 0 },
    ...opts,
  });
  await sc.start();
  sc.setTemplate({
    templateId: 1,
    previousBlock: hexToU256(v.block.previous_block),
    bits: parseInt(v.block.bits, 16),
    height: v.block.height,
    subsidy: 625_000_000n,
  });
  const res = await sc.addPeerShares(
    v.shares.map((s: any) => Buffer.from(s.packed_share_hex, 'hex')),
    '10.0.0.1:9333',
  );
  return { v, net, sc, res };
}

export function storeOf(store: ShareStore): ShareStore {
  return store;
}
