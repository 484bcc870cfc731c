// mining.subscribe(user_agent?, session_id?)
//   → [[["mining.set_difficulty", id], ["mining.notify", id]], extranonce1, extranonce2_size]
// The subscription id is the extranonce1 itself, so a miner that resumes by sending back its
// session id gets its extranonce1 again (if it is ours and free), e.g.
//   >> {"id":1,"method":"mining.subscribe","params":["cgminer/4.10","00a3f201"]}
//   << {"jsonrpc":"2.0","id":1,"result":[[["mining.set_difficulty","00a3f201"],["mining.notify","00a3f201"]],"00a3f201",4],"error":null}
import type { Handler } from '../dispatcher.ts';
import { sendWork } from '../work-dispatch.ts';

export const subscribe: Handler = (s, req) => {
  const ctx = s.ctx;
  if (s.en1 === null) {
    s.en1 = ctx.extranonce.resume(req.params[1]) ?? ctx.extranonce.allocate();
    s.en1Hex = s.en1.toString('hex');
  }
  const id = s.en1Hex;
  s.reply(req.id, [
    [
      ['mining.set_difficulty', id],
      ['mining.notify', id],
    ],
    id,
    ctx.config.extranonce2Size,
  ]);
  const first = !s.subscribed;
  s.subscribed = true;
  if (first) sendWork(ctx, s, true);
};
