// The template builder's metrics: full-node RPC latency and errors (by method, from a fixed list), the
// template the pool mines on, the full nodes' state and block submissions.
import { lazyInstruments, observe } from '../runtime/metrics.ts';
import type { TemplateBuilder } from './builder.ts';
import { fullNodeRpcMetrics } from '../full-node/metrics.ts';

export const blockSubmissions = lazyInstruments('p2pool.template_builder', (m) =>
  m.createCounter('p2pool.blocks.submitted', { description: 'block solutions submitted, by outcome (accepted, rejected, error)' }),
);

export function templateBuilderMetrics(tb: TemplateBuilder): () => void {
  // Zero series from the start, so alerts on increase() see the first error or rejection.
  for (const kind of ['transport', 'auth', 'rpc']) fullNodeRpcMetrics().errors.add(0, { method: 'getblocktemplate', kind });
  for (const outcome of ['accepted', 'rejected', 'error']) blockSubmissions().add(0, { outcome });
  return observe('p2pool.template_builder', [
    {
      name: 'p2pool.template.height',
      description: 'height of the block the current work builds',
      read: () => tb.currentWork?.height ?? null,
    },
    {
      name: 'p2pool.template.transactions',
      description: 'transactions in the current template',
      read: () => tb.currentWork?.transactions.length ?? null,
    },
    {
      name: 'p2pool.fullnode.nodes',
      description: 'configured full nodes by state',
      read: () => {
        const by = new Map<string, number>();
        for (const n of tb.status()) by.set(n.state.status, (by.get(n.state.status) ?? 0) + 1);
        return [...by].map(([state, v]) => [v, { state }] as const);
      },
    },
    { name: 'p2pool.fullnode.up', description: '1 while a full node gives work', read: () => (tb.currentWork ? 1 : 0) },
  ]);
}
