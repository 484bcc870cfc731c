// The consensus core: pure functions and data structures, no sockets, timers or files.
export * from './codec/index.ts';
export * from './crypto/index.ts';
export * from './bitcoin/index.ts';
export * from './networks/index.ts';
export * from './pplns/index.ts';
export { Share, parseShare, parseWrappedShare, shareFromContents, layoutFor, powHash, refHashOf } from './share/share.ts';
export * from './share/types.ts';
export * from './share/versions.ts';
export * from './share/constants.ts';
export { ShareRuleError } from './share/errors.ts';
export { encodeShareInfo, encodeContents, decodeContents, encodeWrapper, readWrapper, type ShareLayout } from './share/codec.ts';
export {
  generateTransaction,
  prepareGeneration,
  finishGeneration,
  donationKey,
  finderKey,
  type GenerateInput,
  type GenerationBaseInput,
  type FinderInput,
  type GenerationBase,
  type Generated,
  type DesiredTx,
  type V36Base,
} from './share/generate.ts';
export {
  decodeMessageData,
  validMessageData,
  authorityMessageDigest,
  type AuthorityMessage,
  type DecodedMessageData,
} from './share/message-data.ts';
export * from './merged/index.ts';
export { checkShare, type CheckResult } from './share/check.ts';
export { buildGentx, witnessCommitment, witnessCommitmentScript, refOutputScript } from './share/gentx.ts';
export { desiredVersionCounts, votingWindowCounts, versionToProduce } from './share/voting.ts';
export { VersionRatchet, type RatchetDecision, type RatchetState, type RatchetOptions, type RatchetSnapshot } from './share/ratchet.ts';
export { nextStaleInfo, type OwnShareCounts } from './share/stale-info.ts';
export * from './target/retarget.ts';
export * from './target/work-targets.ts';
export { Tracker, ChainNode, type ChainItem } from './tracker/forest.ts';
export { ShareTracker } from './tracker/share-tracker.ts';
export { think, punishValue, type ThinkInput, type ThinkResult, type DesiredShare } from './tracker/think.ts';
export { pruneTracker } from './tracker/prune.ts';
export { verifyChain, type ChainVerdict } from './tracker/verify-chain.ts';
export * from './auxpow/index.ts';
