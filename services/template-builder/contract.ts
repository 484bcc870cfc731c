// TemplateBuilder values → p2pool.v1 contract messages (proto/p2pool/v1/template_builder.proto), so
// the service shell only wires methods to these. 256-bit values travel as their 32 raw bytes
// (little-endian, the sha256d output), big integers as unsigned little-endian bytes (common.proto).
import type { BlockTemplate, FullNodeStatus, SubmitBlockResponse, TemplateBuilderStatus, NodeSubmitResult as ProtoNodeResult } from '../gen/p2pool/v1/template_builder.ts';
import { SubmitOutcome } from '../gen/p2pool/v1/template_builder.ts';
import { TemplateReason } from '../gen/p2pool/v1/events.ts';
import { parseTemplate, type Work } from './template.ts';
import type { CoinParams } from './coins.ts';
import type { SubmitResult, SubmitStatus } from './submit-result.ts';
import type { NodeStatusEntry } from './builder.ts';

export function u256Bytes(n: bigint): Uint8Array {
  const out = Buffer.alloc(32);
  let v = n;
  for (let i = 0; i < 32; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

/** Unsigned little-endian, as short as the value allows (empty for 0). */
export function bigLE(n: bigint): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) bytes.push(Number(v & 0xffn));
  return Uint8Array.from(bytes);
}

export function toBlockTemplate(work: Work): BlockTemplate {
  return {
    version: work.version,
    previousBlock: u256Bytes(work.previousBlock),
    bits: work.bits,
    target: u256Bytes(work.target),
    height: work.height,
    time: BigInt(work.curtime),
    minTime: BigInt(work.mintime),
    coinbaseValue: work.coinbaseValue,
    coinbaseFlags: work.coinbaseFlags,
    transactions: work.transactions.map((t) => ({
      data: t.data,
      txid: u256Bytes(t.txid),
      wtxid: u256Bytes(t.wtxid),
      fee: t.fee ?? 0n,
      weight: t.weight ?? t.data.length * 4,
      sigops: t.sigops ?? 0,
      depends: t.depends,
    })),
    witnessCommitment: work.defaultWitnessCommitment ?? new Uint8Array(0),
    rules: work.rules,
    mweb: work.mweb ?? new Uint8Array(0),
    sizeLimit: work.sizeLimit,
    weightLimit: work.weightLimit,
    sigopLimit: work.sigopLimit,
    templateId: BigInt(work.templateId),
    lastUpdateMs: BigInt(work.lastUpdateMs),
    sourceNode: work.source,
    emptyShortcut: work.emptyShortcut ?? false,
    longpollId: work.longpollId ?? '',
  };
}

const displayHex = (le: Uint8Array): string => Buffer.from(le).reverse().toString('hex');

/**
 * BlockTemplate → Work, for consumers in another process (the edge, the sharechain): the message is
 * put back into getblocktemplate's shape and parsed by the same parseTemplate, so the merkle branch,
 * witness root, HogEx placement and every sanity check are the template builder's own.
 */
export function fromBlockTemplate(t: BlockTemplate, coin: CoinParams): Work {
  const gbt = {
    version: t.version,
    previousblockhash: displayHex(t.previousBlock),
    height: t.height,
    bits: t.bits.toString(16).padStart(8, '0'),
    curtime: Number(t.time),
    mintime: Number(t.minTime),
    coinbasevalue: Number(t.coinbaseValue),
    coinbaseaux: t.coinbaseFlags.length ? { flags: Buffer.from(t.coinbaseFlags).toString('hex') } : {},
    // The builder checked the node's own rule list before publishing. An empty list here is also
    // what a node that reports none sends (btcd: no `rules` at all), so it is not re-checked as
    // "no soft fork active" (which would refuse every btcd template).
    ...(t.rules.length > 0 ? { rules: t.rules } : {}),
    transactions: t.transactions.map((x) => ({
      data: Buffer.from(x.data).toString('hex'), txid: displayHex(x.txid), hash: displayHex(x.wtxid),
      fee: Number(x.fee), weight: x.weight, sigops: x.sigops, depends: x.depends,
    })),
    ...(t.witnessCommitment.length ? { default_witness_commitment: Buffer.from(t.witnessCommitment).toString('hex') } : {}),
    ...(t.mweb.length ? { mweb: Buffer.from(t.mweb).toString('hex') } : {}),
    weightlimit: t.weightLimit,
    sigoplimit: t.sigopLimit,
    sizelimit: t.sizeLimit,
    ...(t.longpollId ? { longpollid: t.longpollId } : {}),
  };
  const work = parseTemplate(gbt, coin, { source: t.sourceNode });
  work.templateId = Number(t.templateId);
  work.lastUpdateMs = Number(t.lastUpdateMs);
  if (t.emptyShortcut) work.emptyShortcut = true;
  return work;
}

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
    chainWork: n.chainWork === undefined ? new Uint8Array(0) : bigLE(n.chainWork),
    lastError: n.state.status === 'ready' ? '' : n.state.message,
    selected: n.selected,
    subversion: n.subversion ?? '',
  }));
  return {
    nodes: entries,
    templateId: BigInt(current?.templateId ?? 0),
    height: current?.height ?? 0,
    lastTemplateMs: BigInt(current?.lastUpdateMs ?? 0),
  };
}
