// Shared bits of the template-builder tests: a builder on one harness node, and waits on its states.
import { TemplateBuilder, type TemplateBuilderConfig } from '../../services/template-builder/builder.ts';
import type { FullNodeConfig, NodeStatus, FullNode } from '../../services/template-builder/node.ts';

export const FAST: Partial<FullNodeConfig> = { retryMinMs: 100, retryMaxMs: 500, healthIntervalMs: 1000, pollIntervalMs: 1000 };

export function builderFor(
  coin: 'bitcoin' | 'litecoin',
  nodes: FullNodeConfig[],
  extra: Partial<TemplateBuilderConfig> = {},
): TemplateBuilder {
  const tb = new TemplateBuilder({ coin, network: 'regtest', nodes: nodes.map((n) => ({ ...FAST, ...n })), ...extra });
  if (process.env.TB_DEBUG) tb.on('log', (level, msg) => console.error(`[${level}] ${msg}`));
  return tb;
}

export function nodeConfig(
  n: { rpcUrl: string; user: string; pass: string; p2pPort: number },
  extra: Partial<FullNodeConfig> = {},
): FullNodeConfig {
  return { rpcUrl: n.rpcUrl, user: n.user, pass: n.pass, p2p: { host: '127.0.0.1', port: n.p2pPort }, ...extra };
}

/** Resolves when the node reaches `status` (now or later); rejects with its last state on timeout. */
export function waitForStatus(node: FullNode, status: NodeStatus, timeoutMs = 30_000): Promise<void> {
  if (node.state.status === status) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      node.off('state', on);
      reject(
        new Error(`${node.id} did not reach "${status}" within ${timeoutMs} ms; last state ${node.state.status}: ${node.state.message}`),
      );
    }, timeoutMs);
    const on = (s: { status: NodeStatus }) => {
      if (s.status === status) {
        clearTimeout(t);
        node.off('state', on);
        resolve();
      }
    };
    node.on('state', on);
  });
}
