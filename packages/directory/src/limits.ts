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
  /** Open connections, all kinds together; one more is closed at once. */
  maxConnections: number;
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
  streamsPerDevice: 3,
  reportBurst: 20,
  reportIntervalMs: 30_000,
  reportsKept: 100,
  peoplePerMachine: 200,
};
