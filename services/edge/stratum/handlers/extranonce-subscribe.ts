// mining.extranonce.subscribe() → true (NiceHash). Extranonce1 is fixed for the whole session
// on this edge, so mining.set_extranonce is never needed.
import type { Handler } from '../dispatcher.ts';

export const extranonceSubscribe: Handler = (s, req) => {
  s.extranonceSubscribed = true;
  s.reply(req.id, true);
};
