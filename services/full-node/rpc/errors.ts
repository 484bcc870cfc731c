// Errors of the full-node JSON-RPC link, split by what the caller should do about them:
// transport errors are worth retrying, auth errors need an operator, RPC errors are the node's answer.

export class RpcTransportError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RpcTransportError';
    this.code = code;
  }
}

export class RpcAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpcAuthError';
  }
}

/** The node answered with a JSON-RPC error object. */
export class RpcError extends Error {
  readonly code: number;
  readonly method: string;
  constructor(method: string, code: number, message: string) {
    super(`${method}: ${message} (code ${code})`);
    this.name = 'RpcError';
    this.code = code;
    this.method = method;
  }
}

// Codes shared by Bitcoin Core, Litecoin Core and btcd that mean "not ready yet" rather than "broken".
export const RPC_IN_WARMUP = -28;
export const RPC_CLIENT_NOT_CONNECTED = -9;
export const RPC_CLIENT_IN_INITIAL_DOWNLOAD = -10;
export const RPC_METHOD_NOT_FOUND = -32601;
