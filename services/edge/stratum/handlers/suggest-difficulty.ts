// mining.suggest_difficulty(difficulty) → true. Sets the starting pseudoshare difficulty
// (vardiff carries on from there); ignored for a fixed `+PSEUDODIFF`. Bitaxe-class devices
// rely on it to avoid starting far too easy.
//   >> {"id":3,"method":"mining.suggest_difficulty","params":[512]}
//   << {"jsonrpc":"2.0","id":3,"result":true,"error":null}
import type { Handler } from '../dispatcher.ts';
import { StratumError } from '../errors.ts';
import { INVALID_PARAMS } from '../../codec/jsonrpc.ts';
import { minerDifficultyToTarget } from '../../edge-context.ts';
import { sendWork } from '../work-dispatch.ts';

export const suggestDifficulty: Handler = (s, req) => {
  const d = Number(req.params[0]);
  if (!(d > 0) || !Number.isFinite(d)) throw new StratumError(INVALID_PARAMS, 'difficulty must be a positive number');
  const target = minerDifficultyToTarget(s.ctx.config, d);
  s.reply(req.id, true);
  if (s.vardiff === null) {
    s.suggestedTarget = target;
  } else if (s.vardiff.suggest(target, Date.now())) {
    sendWork(s.ctx, s, false);
  }
};
