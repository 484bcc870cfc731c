// client.get_version() → "p2pool-ts/<version>". Normally a server→client call; answering it
// when a client asks costs nothing and helps tooling identify the edge.
import type { Handler } from '../dispatcher.ts';

export const getVersion: Handler = (s, req) => {
  s.reply(req.id, s.ctx.config.version);
};
