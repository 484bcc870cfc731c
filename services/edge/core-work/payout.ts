// Who a job pays (docs/protocol.md §8.4): the miner's address, or the node's address for usernames that are
// not addresses, for addresses the share version cannot pay (layout A pays only P2PKH), and with
// probability -f/--fee percent.
//
// The reference draws the fee per get_work call; its caching bridge then serves that result to
// every request of the (address, target) key in the epoch. We draw once per key and epoch, which
// is the same thing: the fee share of jobs, in expectation, is -f percent.
import { decodeAddress, type Network } from '../../core/index.ts';
import type { WorkBasisView } from '../../pool/work/basis-view.ts';

export interface PayoutChoice {
  address: string;
  /** Why the node's address was chosen, if it was. */
  node: null | 'not-an-address' | 'fee' | 'address-kind';
}

// Address → kind, per coin: base58check decoding is a JS SHA-256 in the address library, and a
// farm's miners repeat the same few addresses on every new-work event.
const kinds = new WeakMap<object, Map<string, string | null>>();

function addressKind(net: Network, address: string): string | null {
  let m = kinds.get(net.PARENT);
  if (!m) kinds.set(net.PARENT, (m = new Map()));
  let kind = m.get(address);
  if (kind === undefined) {
    try {
      kind = decodeAddress(address, net.PARENT).kind;
    } catch {
      kind = null;
    }
    if (m.size >= 100_000) m.clear();
    m.set(address, kind);
  }
  return kind;
}

export function choosePayout(
  net: Network,
  view: WorkBasisView,
  requested: string | null,
  nodeAddress: string,
  feePercent: number,
  random: () => number,
): PayoutChoice {
  if (requested === null) return { address: nodeAddress, node: 'not-an-address' };
  if (feePercent > 0 && random() * 100 < feePercent) return { address: nodeAddress, node: 'fee' };
  const kind = addressKind(net, requested);
  if (kind === null) return { address: nodeAddress, node: 'not-an-address' };
  if (!view.acceptsAddressKind(kind)) return { address: nodeAddress, node: 'address-kind' };
  return { address: requested, node: null };
}
