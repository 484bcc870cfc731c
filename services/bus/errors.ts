// One error type for every call, whatever the transport: the code names are gRPC's, so the external
// gRPC API can pass them through unchanged and clients can tell "retry later" from "fix your input".
export const RpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

const codeNames = new Map<number, string>(Object.entries(RpcCode).map(([k, v]) => [v, k]));
export function rpcCodeName(code: number): string {
  return codeNames.get(code) ?? `CODE_${code}`;
}

export class RpcError extends Error {
  readonly code: RpcCode;
  constructor(code: RpcCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RpcError';
    this.code = code;
  }
}

export function isRpcError(e: unknown): e is RpcError {
  return e instanceof RpcError;
}

// Anything a handler throws becomes an RpcError; plain Errors are INTERNAL (their message is kept so
// the caller's log says what went wrong on the other side).
export function toRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new RpcError(RpcCode.INTERNAL, message, { cause: e });
}

export function unimplemented(service: string, method: string): RpcError {
  return new RpcError(RpcCode.UNIMPLEMENTED, `${service}.${method} is not implemented yet`);
}
