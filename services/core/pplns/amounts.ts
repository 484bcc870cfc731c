import { MAX_PAYOUT_OUTPUTS } from '../share/constants.ts';

/**
 * Coinbase amounts from PPLNS weights (docs/protocol.md §6.3): 99.5 % pro rata, 0.5 % to the finder, and the
 * donation key takes the donated part plus every rounding remainder. Exact integer arithmetic.
 */
export function coinbaseAmounts(
  subsidy: bigint,
  weights: Map<string, bigint>,
  total: bigint,
  finderKey: string,
  donationKey: string,
): Map<string, bigint> {
  const amounts = new Map<string, bigint>();
  for (const [k, w] of weights) amounts.set(k, (subsidy * (199n * w)) / (200n * total));
  amounts.set(finderKey, (amounts.get(finderKey) ?? 0n) + subsidy / 200n);
  let sum = 0n;
  for (const v of amounts.values()) sum += v;
  amounts.set(donationKey, (amounts.get(donationKey) ?? 0n) + subsidy - sum);
  let check = 0n;
  for (const v of amounts.values()) {
    if (v < 0n) throw new Error('negative payout amount');
    check += v;
  }
  if (check !== subsidy) throw new Error('payout amounts do not add up to the subsidy');
  return amounts;
}

/**
 * Output order (docs/protocol.md §6.5): ascending amount, ties by key in byte/ASCII order, the donation last,
 * then only the last 4000 (zero amounts count toward the cap, as in the reference).
 */
export function payoutOrder(amounts: Map<string, bigint>, donationKey: string): string[] {
  const entries: [string, bigint][] = [];
  for (const e of amounts) if (e[0] !== donationKey) entries.push(e);
  entries.sort((a, b) => (a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const keys = entries.map((e) => e[0]);
  if (amounts.has(donationKey)) keys.push(donationKey);
  return keys.length > MAX_PAYOUT_OUTPUTS ? keys.slice(keys.length - MAX_PAYOUT_OUTPUTS) : keys;
}

/** What each address would get if a block were found now (`get_expected_payouts`, §6.4; display only). */
export function expectedPayouts(subsidy: bigint, weights: Map<string, bigint>, total: bigint, donationKey: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let sum = 0n;
  if (total > 0n) {
    for (const [k, w] of weights) {
      const v = (subsidy * w) / total;
      out.set(k, v);
      sum += v;
    }
  }
  out.set(donationKey, (out.get(donationKey) ?? 0n) + subsidy - sum);
  return out;
}
