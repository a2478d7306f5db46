/**
 * Everything a stranger can make the directory hold, with its bound. Each figure is in
 * docs/directory.md ("Limits") and has a test (test/limits.test.ts); tests pass smaller
 * ones to see them bite quickly.
 */
export interface Limits {
  /** From a connection's first byte (or the end of its last request) to the end of the request's headers. */
  headersTimeoutMs: number;
  /** From the start of a request to the end of its body. */
  requestTimeoutMs: number;
  /** How long a keep-alive connection may sit idle between requests. */
  keepAliveTimeoutMs: number;
  /** How long a connection may sit silent while a request is in progress (event streams are exempt: they have heartbeats). */
  socketTimeoutMs: number;
  /** From a TLS connection's first byte to the end of its handshake. */
  tlsHandshakeTimeoutMs: number;
  /** How often Node checks the two request timeouts above. */
  timeoutCheckIntervalMs: number;
  maxHeaderBytes: number;
  maxBodyBytes: number;
  /** Open connections, all kinds together; one more is closed at once (and logged). Checked against the file-descriptor limit at start. */
  maxConnections: number;
  /**
   * Event streams, all devices together; one more is refused with 503 and a Retry-After
   * the agent honours (and logged). Below maxConnections, so that SCIM, the admin API
   * and check-ins still find a connection when every stream is taken.
   */
  maxStreams: number;
  /** Reconnecting devices a second the instance takes comfortably: the streams' `retry` spreads a whole instance's devices over maxStreams ÷ this. */
  reconnectsPerSecond: number;
  /** Event streams one device may hold; a new one ends the oldest (a reconnecting agent's old stream may linger). */
  streamsPerDevice: number;
  /** Result reports: a device may send this many at once… */
  reportBurst: number;
  /** …and then one more each time this much time has passed. */
  reportIntervalMs: number;
  /** Reports kept per device; older ones are deleted. */
  reportsKept: number;
  /** People one machine may bind: far more than share a computer, few enough that a stolen machine token cannot bind a company. */
  peoplePerMachine: number;
}

export const DEFAULT_LIMITS: Limits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 10_000,
  socketTimeoutMs: 60_000,
  tlsHandshakeTimeoutMs: 10_000,
  timeoutCheckIntervalMs: 1_000,
  maxHeaderBytes: 16 * 1024,
  maxBodyBytes: 64 * 1024,
  maxConnections: 4_096,
  maxStreams: streamsFor(4_096),
  reconnectsPerSecond: 2_000,
  streamsPerDevice: 3,
  reportBurst: 20,
  reportIntervalMs: 30_000,
  reportsKept: 100,
  peoplePerMachine: 200,
};

/** The streams a connection cap leaves room for: an eighth (at least 64, or half of a tiny cap) stays for everything else. */
export function streamsFor(maxConnections: number): number {
  return maxConnections - Math.max(Math.min(64, Math.floor(maxConnections / 2)), Math.ceil(maxConnections / 8));
}
