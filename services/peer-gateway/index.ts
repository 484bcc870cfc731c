// The peer gateway's public surface: the gateway itself, the sharechain seam, and the protocol layers.
export { PeerGateway, type PeerGatewayOptions, type PeerInfo, type GatewayStats, type SharesEvent, type DesiredEntry } from './gateway.ts';
export type { ShareSource, AddSharesResult, MaybePromise } from '../pool/share-source.ts';
export { serveChain, referenceStops } from '../pool/share-exchange.ts';
export { raisedMinimumProtocolVersion } from './protocol-version.ts';
export { FrameDecoder, encodeFrame, TooLong, HEADER_SIZE, type FrameEvent } from './framing.ts';
export { MESSAGES } from './messages/index.ts';
export * as messages from './messages/index.ts';
export { AddressStore, type AddrEntry } from './addr-store.ts';
export { BanList, type BanRecord } from './bans.ts';
export { PeerMisbehavingError, PeerDisconnect } from './errors.ts';
export { normalizeHost, netGroup, parseAddr, formatAddr, hostToBytes, bytesToHost } from './netaddr.ts';
export * as constants from './constants.ts';
