// The checks shared by the cluster (one process per service, NATS) and embedded (one process) runs.
import assert from 'node:assert/strict';
import { ServingStatus } from '../../services/gen/p2pool/v1/common.ts';
import { SERVICE_NAMES } from '../../services/bus/contracts.ts';
import { RpcCode, RpcError } from '../../services/bus/errors.ts';
import { grpcRpc } from '../../services/bus/grpc.ts';
import { clientByName, clientsFor, type Clients } from '../../services/runtime/clients.ts';

// Every service answers Health through `clients` as itself, serving, from the expected instance.
export async function assertAllHealthy(clients: Clients, instanceOf: (service: string) => string): Promise<void> {
  for (const name of SERVICE_NAMES) {
    const h = await clientByName(clients, name).Health({});
    assert.equal(h.service, name, `${name}: Health answered by ${h.service}`);
    assert.equal(h.instance, instanceOf(name), `${name}: answered by instance ${h.instance}`);
    assert.equal(h.status, ServingStatus.SERVING, `${name}: status ${h.status}`);
    assert.equal(h.ready, true, `${name}: not ready: ${JSON.stringify(h.checks)}`);
    assert.ok(h.uptimeMs > 0n);
  }
}

// Through the gRPC API: every service's Health, the registry, and the admin token on a mutating call.
export async function assertGrpcApi(grpcAddress: string, token: string, instanceOf: (service: string) => string): Promise<void> {
  const open = grpcRpc(grpcAddress);
  const wrong = grpcRpc(grpcAddress, { token: 'not-the-token' });
  const admin = grpcRpc(grpcAddress, { token });
  try {
    const clients = clientsFor(open);
    await assertAllHealthy(clients, instanceOf);

    const { instances } = await clients.web.ListServices({});
    const registered = new Map(instances.map((i) => [i.service, i]));
    assert.deepEqual([...registered.keys()].sort(), [...SERVICE_NAMES].sort());
    for (const name of SERVICE_NAMES) {
      assert.equal(registered.get(name)!.instance, instanceOf(name));
      assert.equal(registered.get(name)!.status, ServingStatus.SERVING);
    }

    const drain = { reconnectHost: '', reconnectPort: 0, waitSeconds: 0, deadlineMs: 0n };
    await assert.rejects(clients.edge.Drain(drain), (e: unknown) => e instanceof RpcError && e.code === RpcCode.UNAUTHENTICATED);
    await assert.rejects(clientsFor(wrong).edge.Drain(drain), (e: unknown) => e instanceof RpcError && e.code === RpcCode.UNAUTHENTICATED);
    const drained = await clientsFor(admin).edge.Drain(drain);
    assert.equal(drained.connectionsRemaining, 0);
    // Queries need no token: whatever the service answers (UNIMPLEMENTED while it is a shell), the
    // gateway let the call through.
    const query = await clients.sharechain.GetStats({}).then(() => RpcCode.OK, (e: unknown) => (e instanceof RpcError ? e.code : RpcCode.UNKNOWN));
    assert.ok(query !== RpcCode.UNAUTHENTICATED && query !== RpcCode.PERMISSION_DENIED, `GetStats was refused: ${query}`);
  } finally {
    open.close();
    wrong.close();
    admin.close();
  }
}
