// `sharereply(id, result, shares)`: the answer to a `sharereq`; result 0 'good', 1 'too long', 2..6 'unk<k>'.
import { Reader, Writer, readWrapper, DecodeError } from '../../core/index.ts';
import type { PeerLike } from './context.ts';
import { loadShares, type Wrapped } from './share-list.ts';

export const command = 'sharereply';

export const RESULTS = ['good', 'too long', 'unk2', 'unk3', 'unk4', 'unk5', 'unk6'] as const;
export type ShareReplyResult = (typeof RESULTS)[number];

export interface SharereplyMessage {
  id: bigint;
  result: ShareReplyResult;
  shares: Wrapped[];
}

export function encode(m: { id: bigint; result: ShareReplyResult; packed: readonly Buffer[] }): Buffer {
  let size = 32 + 1 + 9;
  for (const p of m.packed) size += p.length;
  const w = new Writer(size).u256(m.id).varint(RESULTS.indexOf(m.result)).varint(m.packed.length);
  for (const p of m.packed) w.bytes(p);
  return w.toBuffer();
}

export function decode(payload: Buffer): SharereplyMessage {
  const r = new Reader(payload);
  const id = r.u256('sharereply.id');
  const at = r.pos;
  const code = r.varint('sharereply.result');
  const result = RESULTS[code];
  if (result === undefined) throw new DecodeError('sharereply.result', at, `unknown result ${code}`);
  const n = r.count('sharereply.shares', 2);
  const shares: Wrapped[] = [];
  for (let i = 0; i < n; i++) shares.push(readWrapper(r, 'sharereply.shares'));
  r.done('sharereply');
  return { id, result, shares };
}

export function handle(peer: PeerLike, m: SharereplyMessage): void {
  if (!peer.requests.has(m.id)) return; // late or unsolicited: the reference ignores unknown ids
  if (m.result !== 'good') {
    peer.requests.fail(m.id, new Error(`sharereply ${m.result}`));
    return;
  }
  peer.requests.resolve(m.id, loadShares(peer, m.shares));
}
