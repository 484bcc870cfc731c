// The reference's username conventions (docs/protocol.md §8.4):
//   address[.worker|_worker][/SHAREDIFF][+PSEUDODIFF]   (pairs in any order, later ones win)
// Numbers that do not parse are ignored, as in the reference.

export interface ParsedUsername {
  /** The whole username, trimmed. */
  raw: string;
  /** The part before the worker separator: the candidate payout address. */
  address: string;
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
  return { raw, address, worker, shareDifficulty, pseudoshareDifficulty };
}
