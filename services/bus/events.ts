// The event catalog: each event message of events.proto, its topic (subject = <prefix>.evt.v1.<topic>)
// and, for durable events, the JetStream stream that keeps it. docs/bus.md is the prose version of
// this table; a test keeps the two in step.
import {
  AuxWorkPublished,
  BlockFound,
  BlockSubmitted,
  PeerShareReceived,
  PeersChanged,
  ServiceStateChanged,
  ShareAccepted,
  ShareSubmitted,
  StatsSnapshot,
  TemplatePublished,
  WorkBasisPublished,
} from '../gen/p2pool/v1/events.ts';
import type { MessageCodec } from './contracts.ts';
import type { StreamSpec } from './types.ts';

export const BLOCKS_STREAM: StreamSpec = {
  name: 'BLOCKS',
  topics: ['sharechain.block-found', 'template-builder.block-submitted'],
  maxMsgs: 10_000,
  maxAgeMs: 365 * 24 * 3600 * 1000,
  duplicateWindowMs: 120_000,
};

// The sharechain's store in the cluster is a stream of its own per network (PREFIX_SHARES_<NET>, built
// by services/sharechain/store/bus-store.ts shareStreamFor): packed shares and verified marks, which is
// what a restarted sharechain loads. ShareAccepted is a plain notification next to it.
export const STREAMS: StreamSpec[] = [BLOCKS_STREAM];

export interface EventSpec<T> {
  name: string;
  topic: string;
  type: MessageCodec<T>;
  // Durable events are published with persist() into this stream (and reach live subscribers too).
  stream?: StreamSpec;
  // Dedup key for durable events, from the message.
  msgId?: (m: T) => string;
  publisher: string;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export const Events = {
  templatePublished: {
    name: 'TemplatePublished',
    topic: 'template-builder.template',
    type: TemplatePublished,
    publisher: 'template-builder',
  } as EventSpec<TemplatePublished>,
  blockSubmitted: {
    name: 'BlockSubmitted',
    topic: 'template-builder.block-submitted',
    type: BlockSubmitted,
    publisher: 'template-builder',
    stream: BLOCKS_STREAM,
    msgId: (m) => `submitted-${hex(m.request?.blockHash ?? new Uint8Array())}`,
  } as EventSpec<BlockSubmitted>,
  workBasisPublished: {
    name: 'WorkBasisPublished',
    topic: 'sharechain.work-basis',
    type: WorkBasisPublished,
    publisher: 'sharechain',
  } as EventSpec<WorkBasisPublished>,
  shareSubmitted: {
    name: 'ShareSubmitted',
    topic: 'edge.share-submitted',
    type: ShareSubmitted,
    publisher: 'edge',
  } as EventSpec<ShareSubmitted>,
  shareAccepted: {
    name: 'ShareAccepted',
    topic: 'sharechain.share-accepted',
    type: ShareAccepted,
    publisher: 'sharechain',
  } as EventSpec<ShareAccepted>,
  blockFound: {
    name: 'BlockFound',
    topic: 'sharechain.block-found',
    type: BlockFound,
    publisher: 'sharechain',
    stream: BLOCKS_STREAM,
    msgId: (m) => `found-${hex(m.blockHash)}`,
  } as EventSpec<BlockFound>,
  peerShareReceived: {
    name: 'PeerShareReceived',
    topic: 'peer-gateway.share-received',
    type: PeerShareReceived,
    publisher: 'peer-gateway',
  } as EventSpec<PeerShareReceived>,
  peersChanged: {
    name: 'PeersChanged',
    topic: 'peer-gateway.peers-changed',
    type: PeersChanged,
    publisher: 'peer-gateway',
  } as EventSpec<PeersChanged>,
  auxWorkPublished: {
    name: 'AuxWorkPublished',
    topic: 'aux.work',
    type: AuxWorkPublished,
    publisher: 'aux',
  } as EventSpec<AuxWorkPublished>,
  statsSnapshot: {
    name: 'StatsSnapshot',
    topic: 'stats.snapshot',
    type: StatsSnapshot,
    publisher: 'every service',
  } as EventSpec<StatsSnapshot>,
  serviceStateChanged: {
    name: 'ServiceStateChanged',
    topic: 'registry.state',
    type: ServiceStateChanged,
    publisher: 'every service',
  } as EventSpec<ServiceStateChanged>,
} as const;

export const ALL_EVENTS: EventSpec<any>[] = Object.values(Events);
