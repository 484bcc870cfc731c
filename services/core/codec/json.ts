/** JSON whose integers beyond 2^53 stay exact as bigint (targets, work and weights are up to 256-bit). */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_k, v, ctx?: { source?: string }) =>
    typeof v === 'number' && !Number.isSafeInteger(v) && ctx?.source && /^-?\d+$/.test(ctx.source) ? BigInt(ctx.source) : v,
  );
}
