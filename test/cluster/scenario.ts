// The checks shared by the cluster (one process per service, NATS) and embedded (one process) runs.
import assert from 'node:assert/strict';
import { ServingStatus } from '../../services/gen/p2pool/v1/common.ts';
import { SERVICE_NAMES } from '../../services/bus/contracts.ts';
import { RpcCode, RpcError } from '../../services/bus/errors.ts';
import { grpcRpc } from '../../services/bus/grpc.ts';
import { clientByName, clientsFor, type Clients } from '../../services/runtime/clients.ts';
import { SyncState } from '../../services/gen/p2pool/v1/sharechain.ts';

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

    // A harmless change: a 1 s ban of a TEST-NET-1 address nobody connects from.
    const ban = { address: '192.0.2.1', seconds: 1, reason: 'admin token test' };
    await assert.rejects(clients.peerGateway.BanPeer(ban), (e: unknown) => e instanceof RpcError && e.code === RpcCode.UNAUTHENTICATED);
    await assert.rejects(
      clientsFor(wrong).peerGateway.BanPeer(ban),
      (e: unknown) => e instanceof RpcError && e.code === RpcCode.UNAUTHENTICATED,
    );
    await clientsFor(admin).peerGateway.BanPeer(ban);
    // Queries need no token.
    assert.equal((await clients.sharechain.GetStats({})).syncState, SyncState.SYNCED);
  } finally {
    open.close();
    wrong.close();
    admin.close();
  }
}

// Each service answers a real call of its contract (not only Health): the node is on litecoind regtest
// (chain.ts) and paying `address`.
export async function assertContracts(
  clients: Clients,
  opts: { address: string; instanceOf: (service: string) => string; minHeight: number },
): Promise<void> {
  const { template } = await clients.templateBuilder.GetTemplate({});
  assert.ok(template, 'the template builder has a template');
  assert.ok(template.height >= opts.minHeight, `template height ${template.height}`);
  assert.equal(template.previousBlock.length, 32);
  const status = await clients.templateBuilder.GetStatus({});
  assert.equal(status.nodes.length, 1);
  assert.equal(status.nodes[0]!.synced, true);
  assert.equal(status.nodes[0]!.chain, 'regtest');

  const basis = await clients.sharechain.GetWorkBasis({});
  assert.equal(basis.syncState, SyncState.SYNCED);
  assert.equal(basis.network, 'litecoin_regtest');
  assert.equal(basis.nodeAddress, opts.address);
  assert.equal(basis.blockBits, template.bits);
  assert.ok(basis.pplnsKnown);
  const stats = await clients.sharechain.GetStats({});
  assert.equal(stats.payoutAddress, opts.address);
  const missing = await clients.sharechain.GetMissingParents({ max: 10 });
  assert.deepEqual(missing.parents, []);

  const peers = await clients.peerGateway.GetPeers({});
  assert.equal(peers.peers.length, peers.incoming + peers.outgoing);

  const edge = await clients.edge.GetLocalStats({});
  assert.equal(edge.instance, opts.instanceOf('edge'));
  assert.equal(edge.draining, false);

  await assert.rejects(
    clients.aux.GetAuxWork({}),
    (e: unknown) => e instanceof RpcError && e.code === RpcCode.FAILED_PRECONDITION && /no merged chains configured/.test(e.message),
  );

  const info = await clients.web.GetNodeInfo({});
  assert.equal(info.network, 'litecoin_regtest');
  assert.equal(info.payoutAddress, opts.address);
  const payoutAddr = await clients.web.HttpGet({ path: '/payout_addr', query: '', headers: {} });
  assert.equal(payoutAddr.status, 200);
  assert.equal(JSON.parse(Buffer.from(payoutAddr.body).toString()), opts.address);
}
