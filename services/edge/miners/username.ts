// The reference's username conventions (docs/protocol.md §8.4):
//   address[,MERGED_ADDRESS][.worker|_worker][/SHAREDIFF][+PSEUDODIFF]   (pairs in any order, later ones win)
// MERGED_ADDRESS: the miner's payout address on the merged chain (V36, spec p2pool-v36 §8.2).
// Numbers that do not parse are ignored, as in the reference.

export interface ParsedUsername {
  /** The whole username, trimmed. */
  raw: string;
  /** The part before the worker separator (and a comma): the candidate payout address. */
  address: string;
  /** After the first comma: the candidate merged-chain (Dogecoin) payout address, or null. */
  mergedAddress: string | null;
  /** Worker name, '' when none. */
  worker: string;
  /** `/N`: desired P2Pool share difficulty, or null. */
  shareDifficulty: number | null;
  /** `+N`: fixed pseudoshare difficulty, or null. */
  pseudoshareDifficulty: number | null;
}

export function parseUsername(username: string): ParsedUsername {
  const raw = username.trim();
  const parts = raw.split(/([+/])/);
  const user = parts[0] ?? '';
  let shareDifficulty: number | null = null;
  let pseudoshareDifficulty: number | null = null;
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const value = Number(parts[i + 1]);
    if (!(value > 0) || !Number.isFinite(value) || parts[i + 1]!.trim() === '') continue;
    if (parts[i] === '/') shareDifficulty = value;
    else pseudoshareDifficulty = value;
  }
  let address = user;
  let worker = '';
  const sep = user.includes('_') ? '_' : user.includes('.') ? '.' : '';
  if (sep !== '') {
    const at = user.indexOf(sep);
    address = user.slice(0, at);
    worker = user.slice(at + 1);
  }
  let mergedAddress: string | null = null;
  const comma = address.indexOf(',');
  if (comma >= 0) {
    mergedAddress = address.slice(comma + 1) || null;
    address = address.slice(0, comma);
  }
  return { raw, address, mergedAddress, worker, shareDifficulty, pseudoshareDifficulty };
}
