// The miners' hash rates as the edges measure them from pseudoshares, for the reference statistics
// (/local_stats, the status line, /web/log) and the work basis's local hash rate. Each edge instance
// publishes a StatsSnapshot every few seconds; the latest one per instance counts, and an instance that
// stopped publishing drops out, so rates add up across any number of edges.
import type { Gauge } from '../gen/p2pool/v1/common.ts';
import type { StatsSnapshot } from '../gen/p2pool/v1/events.ts';
import type { LocalRates } from './stats/reference-stats.ts';
import { MINER_DEAD_HASH_RATE, MINER_DIFFICULTY, MINER_HASH_RATE } from '../pool/edge-gauges.ts';

export class EdgeRates {
  readonly #byInstance = new Map<string, { at: number; gauges: Gauge[] }>();
  readonly #maxAgeMs: number;

  constructor(maxAgeMs = 60_000) {
    this.#maxAgeMs = maxAgeMs;
  }

  add(s: StatsSnapshot, now = Date.now()): void {
    if (s.service !== 'edge') return;
    this.#byInstance.set(s.instance, { at: now, gauges: s.gauges });
  }

  rates(now = Date.now()): LocalRates {
    const out: LocalRates = { miners: {}, dead: {}, lastDifficulties: {} };
    for (const [instance, snap] of this.#byInstance) {
      if (now - snap.at > this.#maxAgeMs) {
        this.#byInstance.delete(instance);
        continue;
      }
      for (const g of snap.gauges) {
        if (g.name === MINER_HASH_RATE && g.labels.user) out.miners[g.labels.user] = (out.miners[g.labels.user] ?? 0) + g.value;
        else if (g.name === MINER_DEAD_HASH_RATE && g.labels.user) out.dead[g.labels.user] = (out.dead[g.labels.user] ?? 0) + g.value;
        else if (g.name === MINER_DIFFICULTY && g.labels.address) out.lastDifficulties[g.labels.address] = g.value;
      }
    }
    return out;
  }

  total(now = Date.now()): number | null {
    const r = Object.values(this.rates(now).miners);
    return r.length ? r.reduce((a, b) => a + b, 0) : null;
  }
}
