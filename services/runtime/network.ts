// The P2Pool network a node runs (--net NAME [--testnet] or --net-file FILE) and what the full-node
// side calls it: every service resolves it the same way from the shared NodeConfig.
import { readFileSync } from 'node:fs';
import { builtinNetwork, networkFromText, type Network } from '../core/networks/index.ts';
import type { NodeConfig } from './config.ts';

export function nodeNetwork(config: Pick<NodeConfig, 'net' | 'testnet' | 'netFile'>): Network {
  if (config.netFile) return networkFromText(readFileSync(config.netFile, 'utf8'), config.netFile);
  return builtinNetwork(config.net, config.testnet);
}

// The template builder's coin table keys: 'litecoin' + 'regtest' for litecoin_regtest.
export function fullNodeChain(net: Network): { coin: 'bitcoin' | 'litecoin'; network: 'main' | 'test' | 'regtest' } {
  const name = net.PARENT.NAME;
  const coin = name.startsWith('litecoin') ? 'litecoin' : name.startsWith('bitcoin') ? 'bitcoin' : undefined;
  if (!coin) throw new Error(`network ${net.NAME}: no full-node support for parent chain ${name} (bitcoin and litecoin only)`);
  const chain = net.PARENT.CHAIN;
  if (chain !== 'main' && chain !== 'test' && chain !== 'regtest') throw new Error(`network ${net.NAME}: unknown parent chain "${chain}"`);
  return { coin, network: chain };
}
