import type { RpcClient } from '../../services/full-node/rpc/client.ts';
import { RpcError, RPC_IN_WARMUP } from '../../services/full-node/rpc/errors.ts';
import type { Daemon } from './daemon.ts';

/** Waits until the node answers RPC (past warm-up); fails early with its output if it exits. */
export async function waitForRpc(d: Daemon, rpc: RpcClient, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (!d.running) throw new Error(`${d.name} exited during start-up:\n${d.output()}`);
    try {
      await rpc.call('getblockchaininfo', [], { timeoutMs: 2000 });
      return;
    } catch (e) {
      last = e;
      if (e instanceof RpcError && e.code !== RPC_IN_WARMUP) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${d.name} did not answer RPC within ${timeoutMs} ms (last: ${(last as Error)?.message}):\n${d.output()}`);
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
