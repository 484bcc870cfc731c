// What a node said about a block we gave it, in one vocabulary for Core and btcd.

export type SubmitStatus = 'accepted' | 'duplicate' | 'rejected' | 'inconclusive' | 'failed';

export interface NodeSubmitResult {
  node: string;
  status: SubmitStatus;
  /** The node's reason for a rejection, or the transport error for 'failed'. */
  reason?: string;
  /** Whether the block also went out as a P2P `block` message. */
  p2pSent: boolean;
  rpcMs: number;
  attempts: number;
}

export interface SubmitResult {
  hash: string;
  status: SubmitStatus;
  reason?: string;
  nodes: NodeSubmitResult[];
}

/**
 * submitblock answers null on success, or a BIP22 reason string. Core says "duplicate",
 * "duplicate-invalid", "duplicate-inconclusive", "inconclusive" or a reject reason ("bad-cb-amount");
 * btcd says "rejected: <reason>", with "already have block" for duplicates.
 */
export function classifySubmitAnswer(answer: unknown): { status: SubmitStatus; reason?: string } {
  if (answer === null || answer === undefined || answer === true) return { status: 'accepted' };
  const text = String(answer).trim();
  if (text === 'duplicate') return { status: 'duplicate' };
  if (text === 'inconclusive' || text === 'duplicate-inconclusive') return { status: 'inconclusive', reason: text };
  if (text === 'duplicate-invalid') return { status: 'rejected', reason: text };
  const btcd = /^rejected:\s*(.*)$/s.exec(text);
  if (btcd) {
    if (/already have block/i.test(btcd[1]!)) return { status: 'duplicate' };
    return { status: 'rejected', reason: btcd[1]! };
  }
  return { status: 'rejected', reason: text };
}

/** One node accepting is enough; otherwise the most informative answer wins. */
export function combineResults(hash: string, nodes: NodeSubmitResult[]): SubmitResult {
  const order: SubmitStatus[] = ['accepted', 'duplicate', 'rejected', 'inconclusive', 'failed'];
  for (const status of order) {
    const hit = nodes.find((n) => n.status === status);
    if (hit) return { hash, status, ...(hit.reason ? { reason: hit.reason } : {}), nodes };
  }
  return { hash, status: 'failed', reason: 'no full node configured', nodes };
}
