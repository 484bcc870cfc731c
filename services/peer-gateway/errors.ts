/** The reference's PeerMisbehavingError: the peer is disconnected and banned (docs/protocol.md §3.7). */
export class PeerMisbehavingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerMisbehavingError';
  }
}

/** A handler decided to drop the connection without a ban (e.g. an unknown transaction referenced). */
export class PeerDisconnect extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerDisconnect';
  }
}
