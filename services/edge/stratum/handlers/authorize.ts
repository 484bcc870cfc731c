// mining.authorize(username, password) → true, or error 24 with the reason when the username
// names an address that is not valid for this coin. Usernames that are not address-shaped pay
// the node's address, as the reference does. The password is ignored.
//   >> {"id":2,"method":"mining.authorize","params":["ltc1q...xyz.rig1/50000+8","x"]}
//   << {"jsonrpc":"2.0","id":2,"result":true,"error":null}
import type { Handler } from '../dispatcher.ts';
import type { Identity } from '../session.ts';
import { parseUsername } from '../../miners/username.ts';
import { looksLikeAddress } from '../../miners/address.ts';
import { StratumError, UNAUTHORIZED } from '../errors.ts';
import { INVALID_PARAMS } from '../../codec/jsonrpc.ts';
import { minerDifficultyToTarget, workKey } from '../../edge-context.ts';
import type { EdgeContext } from '../../edge-context.ts';
import { sendWork } from '../work-dispatch.ts';

/** Resolves a username to an identity, or throws a StratumError that explains why not. */
export function identify(ctx: EdgeContext, username: string, now: number): Identity {
  if (username.length > 512) throw new StratumError(INVALID_PARAMS, 'username too long');
  const u = parseUsername(username);
  let payoutAddress: string | null = null;
  const v = ctx.config.addressValidator;
  if (v !== null && u.address !== '') {
    const check = v.validate(u.address);
    if (check.ok) payoutAddress = u.address;
    else if (looksLikeAddress(u.address)) throw new StratumError(UNAUTHORIZED, `Invalid payout address: ${check.reason}`);
  } else if (v === null && looksLikeAddress(u.address)) {
    payoutAddress = u.address; // no validator configured: the core will reject what it cannot pay
  }
  const desiredShareTarget = u.shareDifficulty === null ? null : minerDifficultyToTarget(ctx.config, u.shareDifficulty);
  const miner = payoutAddress ?? '(node)';
  return {
    username: u.raw,
    payoutAddress,
    mergedAddress: u.mergedAddress,
    miner,
    worker: u.worker,
    desiredShareTarget,
    pseudoshareDifficulty: u.pseudoshareDifficulty,
    workKey: workKey(payoutAddress, desiredShareTarget, u.mergedAddress),
    stats: ctx.stats.pair(miner, u.worker, now),
  };
}

export const authorize: Handler = (s, req) => {
  const [username] = req.params;
  if (typeof username !== 'string') throw new StratumError(INVALID_PARAMS, 'mining.authorize needs a username');
  const id = identify(s.ctx, username, Date.now());
  const changed = s.identity === null || s.identity.workKey !== id.workKey || s.identity.pseudoshareDifficulty !== id.pseudoshareDifficulty;
  (s.users ??= new Map()).set(username, id);
  if (id.username !== username) s.users.set(id.username, id);
  s.identity = id;
  if (changed) s.vardiff = null; // a new +PSEUDODIFF or key restarts the pseudoshare target
  s.reply(req.id, true);
  if (changed) sendWork(s.ctx, s, true);
};
