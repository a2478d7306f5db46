/**
 * The identity provider's side of a load run: password changes over SCIM PATCH, as
 * Okta sends them, either at a rate (a large organisation's morning) or as a fixed
 * number kept in flight at once (what the bench measures latency under).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { TOKEN } from '../directory-harness';
import { checkBounds, requireLoopback } from './loopback';
import { wallClock } from './sim-device';

export interface PatchTiming {
  userName: string;
  sent: number;
  answered: number;
  status: number;
}

/**
 * A morning at a large organisation: 10,000 people, a password policy that expires a
 * password every 90 days, and most changes made between 8 and 10 o'clock after a
 * weekend, an hour's peak of a few hundred changes (6 a minute on an ordinary day;
 * a forced reset of everyone spread over a morning is ~50 a minute).
 */
export const MORNING_CHANGES_PER_MINUTE = 50;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** PATCHes answered 5xx and sent again, as Okta would (the latency counts from the first). */
export const patchRetries = { count: 0 };

export async function patchPassword(base: string, userId: string, userName: string): Promise<PatchTiming> {
  const first = await patchOnce(base, userId, userName);
  let timing = first;
  for (let attempt = 1; timing.status >= 500 && attempt < 5; attempt += 1) {
    patchRetries.count += 1;
    timing = await patchOnce(base, userId, userName);
  }
  return { ...timing, sent: first.sent };
}

function patchOnce(base: string, userId: string, userName: string): Promise<PatchTiming> {
  const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { password: `Load-${randomUUID()}` } }] });
  return new Promise((resolve, reject) => {
    const sent = wallClock();
    const request = http.request(`${base}/scim/v2/Users/${userId}`, { method: 'PATCH', agent, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ userName, sent, answered: wallClock(), status: response.statusCode ?? 0 }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** `count` password changes, `inFlight` at a time, each for a different user from `users`. */
export async function patchesInFlight(base: string, users: Array<{ userId: string; userName: string }>, inFlight: number): Promise<PatchTiming[]> {
  requireLoopback([base]);
  const timings: PatchTiming[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < users.length; i = next++) timings.push(await patchPassword(base, users[i]!.userId, users[i]!.userName));
    }),
  );
  return timings;
}

/** Password changes at `perMinute` (Poisson arrivals) for `seconds`, to users picked at random. */
export async function morning(base: string, users: Array<{ userId: string; userName: string }>, perMinute: number, seconds: number): Promise<PatchTiming[]> {
  requireLoopback([base]);
  checkBounds(users.length, seconds, perMinute);
  const timings: Promise<PatchTiming>[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, -Math.log(1 - Math.random()) * (60_000 / perMinute)));
    if (performance.now() >= until) break;
    const user = users[Math.floor(Math.random() * users.length)]!;
    timings.push(patchPassword(base, user.userId, user.userName));
  }
  return Promise.all(timings);
}

export function closeScimAgent(): void {
  agent.destroy();
}
