// The reference's fragment(): when a list message is too long, send each half separately, recursively.
import { TooLong } from './framing.ts';

/**
 * Split `lists` (parallel lists halved together, as for remember_tx's tx_hashes and txs) until each
 * encoded payload fits `max`. A single item that alone is too long cannot be sent: TooLong.
 */
export function fragment<L extends Record<string, readonly unknown[]>>(
  lists: L,
  encode: (lists: L) => Buffer,
  max: number,
  command: string,
): Buffer[] {
  const payload = encode(lists);
  if (payload.length <= max) return [payload];
  const keys = Object.keys(lists) as (keyof L)[];
  const total = keys.reduce((n, k) => n + lists[k]!.length, 0);
  if (total <= 1) throw new TooLong(command, payload.length, max);
  const half = (first: boolean) =>
    Object.fromEntries(
      keys.map((k) => {
        const v = lists[k]!;
        const mid = Math.floor(v.length / 2);
        return [k, first ? v.slice(0, mid) : v.slice(mid)];
      }),
    ) as unknown as L;
  return [...fragment(half(true), encode, max, command), ...fragment(half(false), encode, max, command)];
}
