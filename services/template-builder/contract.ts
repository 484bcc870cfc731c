// TemplateBuilder values → p2pool.v1 contract messages (proto/p2pool/v1/template_builder.proto), so
// the service shell only wires methods to these. 256-bit values travel as their 32 raw bytes
// (little-endian, the sha256d output), big integers as unsigned little-endian bytes (common.proto).
import type {
  FullNodeStatus,
  SubmitBlockResponse,
  TemplateBuilderStatus,
  NodeSubmitResult as ProtoNodeResult,
} from '../gen/p2pool/v1/template_builder.ts';
import { SubmitOutcome } from '../gen/p2pool/v1/template_builder.ts';
import { TemplateReason } from '../gen/p2pool/v1/events.ts';
import type { Work } from '../pool/work/template.ts';
import { uintToLE } from '../core/index.ts';
import type { SubmitResult, SubmitStatus } from '../full-node/submit-result.ts';
import type { NodeStatusEntry } from './builder.ts';

const REASONS: Record<string, TemplateReason> = {
  'new-block': TemplateReason.NEW_BLOCK,
  longpoll: TemplateReason.LONGPOLL,
  poll: TemplateReason.POLL,
  'best-block-header': TemplateReason.BEST_BLOCK_HEADER,
  'node-switch': TemplateReason.NODE_SWITCH,
};

export function toTemplateReason(reason: string): TemplateReason {
  return REASONS[reason] ?? TemplateReason.UNKNOWN;
}

const OUTCOMES: Record<SubmitStatus, SubmitOutcome> = {
  accepted: SubmitOutcome.ACCEPTED,
  duplicate: SubmitOutcome.DUPLICATE,
  rejected: SubmitOutcome.REJECTED,
  // Core's "inconclusive": valid so far but not on the best chain; the contract has no word for it.
  inconclusive: SubmitOutcome.UNKNOWN,
  failed: SubmitOutcome.ERROR,
};

export function toSubmitBlockResponse(r: SubmitResult): SubmitBlockResponse {
  const results: ProtoNodeResult[] = r.nodes.map((n) => ({ node: n.node, outcome: OUTCOMES[n.status], reason: n.reason ?? '' }));
  return { accepted: r.status === 'accepted' || r.status === 'duplicate', results };
}

export function toBuilderStatus(nodes: NodeStatusEntry[], current: Work | undefined): TemplateBuilderStatus {
  const entries: FullNodeStatus[] = nodes.map((n) => ({
    address: n.id,
    chain: n.chain ?? '',
    reachable: !['unreachable', 'starting', 'stopped', 'no-credentials'].includes(n.state.status),
    synced: n.state.status === 'ready',
    blocks: n.blocks ?? 0,
    headers: n.headers ?? 0,
    verificationProgress: n.progress ?? 0,
    chainWork: n.chainWork === undefined ? new Uint8Array(0) : uintToLE(n.chainWork),
    lastError: n.state.status === 'ready' ? '' : n.state.message,
    selected: n.selected,
    subversion: n.subversion ?? '',
    templateLatencyMs: n.templateLatencyMs ?? 0,
  }));
  return {
    nodes: entries,
    templateId: BigInt(current?.templateId ?? 0),
    height: current?.height ?? 0,
    lastTemplateMs: BigInt(current?.lastUpdateMs ?? 0),
  };
}
