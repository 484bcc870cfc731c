// A sharechain on a file store in its own process, for the SIGKILL test.
//   node store-node.ts DIR CHAIN_LENGTH write   : reads packed share hex lines on stdin, adds each as a
//                                                peer share, prints "ack <hash> <best>" once stored
//   node store-node.ts DIR CHAIN_LENGTH check   : loads the store, prints one JSON line (hashes, best, dropped, desired)
import { createInterface } from 'node:readline';
import { easyNetwork, testAddresses } from '../../../services/core/testing/chain-builder.ts';
import { Sharechain } from '../../../services/sharechain/sharechain.ts';
import { FileShareStore } from '../../../services/sharechain/store/file-store.ts';

const [dir, cl, mode] = process.argv.slice(2) as [string, string, string];
const net = easyNetwork({ chainLength: Number(cl), lookbehind: 10 });
const sc = new Sharechain({
  net,
  store: new FileShareStore(dir),
  thinkIntervalMs: 0,
  payout: { address: testAddresses(net, 1)[0]!, workerFeePercent: 0, donationPercent: 0 },
});
await sc.start();
const hex = (h: bigint | null) => (h === null ? 'none' : h.toString(16).padStart(64, '0'));

if (mode === 'check') {
  process.stdout.write(
    JSON.stringify({
      hashes: [...sc.tracker.nodes.keys()].map(hex),
      best: hex(sc.bestShareHash()),
      dropped: sc.syncStatus().dropped,
      desired: sc.missingParents().map((d) => hex(d.hash)),
    }) + '\n',
  );
  process.exit(0);
}

process.stdout.write('ready\n');
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line) return;
  // Not awaited one by one: shares arrive while earlier ones are being synced, so writes batch up.
  void sc.addPeerShares([Buffer.from(line, 'hex')], '127.0.0.1:1').then((r) => {
    process.stdout.write(`ack ${hex(r.results[0]!.hash)} ${hex(sc.bestShareHash())}\n`);
  });
});
