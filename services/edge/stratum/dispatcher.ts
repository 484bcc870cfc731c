// Method name → handler. One file per method in ./handlers; anything else is a JSON-RPC
// "method not found" error and the connection stays open (miners probe optional methods).
import type { RpcRequest } from '../codec/jsonrpc.ts';
import { METHOD_NOT_FOUND, HANDLER_ERROR } from '../codec/jsonrpc.ts';
import type { StratumSession } from './session.ts';
import { StratumError } from './errors.ts';
import { subscribe } from './handlers/subscribe.ts';
import { authorize } from './handlers/authorize.ts';
import { configure } from './handlers/configure.ts';
import { submit } from './handlers/submit.ts';
import { suggestDifficulty } from './handlers/suggest-difficulty.ts';
import { extranonceSubscribe } from './handlers/extranonce-subscribe.ts';
import { getVersion } from './handlers/get-version.ts';

export type Handler = (session: StratumSession, req: RpcRequest) => void;

const handlers = new Map<string, Handler>([
  ['mining.subscribe', subscribe],
  ['mining.authorize', authorize],
  ['mining.configure', configure],
  ['mining.submit', submit],
  ['mining.suggest_difficulty', suggestDifficulty],
  ['mining.extranonce.subscribe', extranonceSubscribe],
  ['client.get_version', getVersion],
]);

export function dispatch(session: StratumSession, req: RpcRequest): void {
  const h = handlers.get(req.method);
  if (h === undefined) {
    session.error(req.id, METHOD_NOT_FOUND, `Method not found: ${req.method}`);
    return;
  }
  try {
    h(session, req);
  } catch (e) {
    if (e instanceof StratumError) session.error(req.id, e.code, e.message);
    else session.error(req.id, HANDLER_ERROR, e instanceof Error ? e.message : 'internal error');
  }
}
