/**
 * The file-descriptor limit (RLIMIT_NOFILE) the connection cap must fit under. Every
 * connection is a descriptor; past the limit the kernel refuses accept() and clients
 * see resets with nothing logged, so the cap is checked against it at start. Node
 * raises its soft limit to the hard one as it starts; this reads the result.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { streamsFor, type Limits } from './limits';

/** Descriptors kept for everything but client connections: the database and its WAL, worker threads, the listening socket, stdio, a PostgreSQL pool. */
export const FD_RESERVE = 128;

/** The soft limit on open files, or undefined when it cannot be read (or is unlimited). */
export function openFileLimit(): number | undefined {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match) return match[1] === 'unlimited' ? undefined : Number(match[1]);
  } catch {
    // Not Linux: ask the shell, which inherits this process's limit.
  }
  const shell = spawnSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const value = shell.stdout?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

export class CapacityError extends Error {}

/**
 * The connection and stream caps to run with. A cap the administrator set that does not
 * fit under the descriptor limit is refused (CapacityError); a default that does not is
 * lowered to fit, and `lowered` says so for the log.
 */
export function fitToFileLimit(limits: Limits, given: Partial<Limits>, fdLimit: number | undefined): { limits: Limits; lowered?: { from: number; to: number } } {
  const maxStreams = given.maxStreams ?? (given.maxConnections !== undefined ? streamsFor(given.maxConnections) : limits.maxStreams);
  if (maxStreams >= limits.maxConnections) {
    throw new CapacityError(`--max-streams ${maxStreams} must be below --max-connections ${limits.maxConnections}: SCIM, the admin API and check-ins need connections too`);
  }
  let result: Limits = { ...limits, maxStreams };
  let lowered: { from: number; to: number } | undefined;
  if (fdLimit !== undefined && limits.maxConnections + FD_RESERVE > fdLimit) {
    if (given.maxConnections !== undefined) {
      throw new CapacityError(
        `--max-connections ${limits.maxConnections} needs ${limits.maxConnections + FD_RESERVE} file descriptors, but this process may open ${fdLimit} (ulimit -n): ` +
          `raise the limit (LimitNOFILE= in the systemd unit) or lower --max-connections to ${fdLimit - FD_RESERVE}`,
      );
    }
    const to = fdLimit - FD_RESERVE;
    if (to < 16) throw new CapacityError(`this process may open only ${fdLimit} files (ulimit -n): too few to serve anyone; raise the limit`);
    lowered = { from: limits.maxConnections, to };
    result = { ...result, maxConnections: to, maxStreams: given.maxStreams !== undefined ? Math.min(given.maxStreams, streamsFor(to)) : streamsFor(to) };
  }
  return { limits: result, lowered };
}

/** What the kernel caps a listen backlog at (net.core.somaxconn), where it can be read. */
export function kernelBacklogCap(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}
