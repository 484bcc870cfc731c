// JSON-RPC 1.0/2.0 as stratum v1 miners speak it: requests from the miner, replies to our own
// server-sent calls (matched by nothing, ignored, as the reference does), and our encoders.
// Encoders build the text directly so that the hot path does one JSON.stringify per reply.

export type RpcId = number | string | null;

export interface RpcRequest {
  id: RpcId;
  method: string;
  params: unknown[];
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const HANDLER_ERROR = -32099;
export const P2POOL_ERROR = -12345;

export type Decoded =
  | { kind: 'request'; request: RpcRequest }
  | { kind: 'reply' }
  | { kind: 'invalid'; id: RpcId; code: number; message: string };

function isId(v: unknown): v is RpcId {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

export function decodeMessage(line: string): Decoded {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return { kind: 'invalid', id: null, code: PARSE_ERROR, message: 'Parse error' };
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    return { kind: 'invalid', id: null, code: INVALID_REQUEST, message: 'Invalid Request' };
  }
  const m = msg as Record<string, unknown>;
  const id = m.id === undefined ? null : m.id;
  if (!isId(id)) return { kind: 'invalid', id: null, code: INVALID_REQUEST, message: 'Invalid Request: bad id' };
  if (m.method === undefined && ('result' in m || 'error' in m)) return { kind: 'reply' };
  if (typeof m.method !== 'string' || m.method.length === 0 || m.method.length > 128) {
    return { kind: 'invalid', id, code: INVALID_REQUEST, message: 'Invalid Request: no method' };
  }
  const params = m.params === undefined || m.params === null ? [] : m.params;
  if (!Array.isArray(params)) {
    return { kind: 'invalid', id, code: INVALID_PARAMS, message: 'Invalid params: expected an array' };
  }
  return { kind: 'request', request: { id, method: m.method, params } };
}

function idText(id: RpcId): string {
  return id === null ? 'null' : typeof id === 'number' ? String(id) : JSON.stringify(id);
}

export function encodeResult(id: RpcId, result: unknown): string {
  const r = result === true ? 'true' : result === false ? 'false' : result === null ? 'null' : JSON.stringify(result);
  return `{"jsonrpc":"2.0","id":${idText(id)},"result":${r},"error":null}\n`;
}

/** Stratum v1 errors are the array `[code, "message", traceback]`: cpuminer, cgminer and bfgminer read
 *  only that form and show nothing for a JSON-RPC 2.0 error object (docs/miners.md). */
export function encodeError(id: RpcId, code: number, message: string, data: unknown = null): string {
  return `{"jsonrpc":"2.0","id":${idText(id)},"result":null,"error":${JSON.stringify([code, message, data])}}\n`;
}

/** A server-to-miner call. Stratum miners ignore the id of these; null marks them as notifications. */
export function encodeCall(method: string, params: unknown[]): string {
  return `{"jsonrpc":"2.0","id":null,"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}\n`;
}
