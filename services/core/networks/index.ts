export * from './types.ts';
export { PARENTS } from './parents.ts';
export { NETWORKS, builtinNetwork } from './builtin.ts';
export {
  networkFromDocument,
  networkFromText,
  parseNetworkText,
  parseJsonExact,
  parsePowFunc,
  NetworkFileError,
  defaultLineage,
} from './load.ts';
