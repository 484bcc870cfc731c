// How edges reach each other for the roll handover: a submit for a job another edge issued goes to
// that edge (by its job tag) and comes back with the verdict. Over the bus (NATS in the cluster, the
// in-process bus when several edges share one process), one subject per edge process:
// PREFIX.rpc.v1.EdgeHandover-<tag>.Submit (docs/bus.md).
import { HandoverSubmitReply, HandoverSubmitRequest } from '../../gen/p2pool/v1/edge.ts';
import type { Bus, Closer } from '../../bus/types.ts';

export interface HandoverLink {
  serve(tag: string, handler: (req: HandoverSubmitRequest) => HandoverSubmitReply | Promise<HandoverSubmitReply>): Promise<Closer>;
  /** Rejects when no edge with that tag answers in time (it has exited). */
  forward(tag: string, req: HandoverSubmitRequest): Promise<HandoverSubmitReply>;
}

export const HANDOVER_SERVICE = 'p2pool.v1.EdgeHandover';

export function handoverService(tag: string): string {
  return `${HANDOVER_SERVICE}-${tag}`;
}

export class BusHandoverLink implements HandoverLink {
  private readonly bus: Bus;
  private readonly timeoutMs: number;

  // Longer than the issuing edge's wait for a share's storage (server.ts), so an answer is never cut short.
  constructor(bus: Bus, timeoutMs = 5_000) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
  }

  serve(tag: string, handler: (req: HandoverSubmitRequest) => HandoverSubmitReply | Promise<HandoverSubmitReply>): Promise<Closer> {
    return this.bus.serve(handoverService(tag), ['Submit'], async (_method, data) => ({
      data: HandoverSubmitReply.encode(await handler(HandoverSubmitRequest.decode(data))).finish(),
    }));
  }

  async forward(tag: string, req: HandoverSubmitRequest): Promise<HandoverSubmitReply> {
    const r = await this.bus.request(handoverService(tag), 'Submit', HandoverSubmitRequest.encode(req).finish(), {
      timeoutMs: this.timeoutMs,
    });
    return HandoverSubmitReply.decode(r.data);
  }
}
