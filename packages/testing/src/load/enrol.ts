/**
 * Users and their devices for a load run, made as the identity provider and the
 * administrator make them: users over SCIM, each device enrolled through the one
 * function below, so a change in how devices enrol is adapted here alone.
 */
import http from 'node:http';
import { ADMIN_TOKEN, TOKEN } from '../directory-harness';

export interface FleetDevice {
  userName: string;
  userId: string;
  deviceId: string;
  deviceToken: string;
  platform: 'darwin' | 'linux';
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

export function httpJson(url: string, method: string, body: unknown, token: string | null): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- replies are read field by field
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}) } }, (response) => {
      let reply = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (reply += chunk));
      response.on('end', () => {
        let parsed: unknown;
        try {
          parsed = reply ? JSON.parse(reply) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: response.statusCode ?? 0, body: parsed });
      });
    });
    request.on('error', reject);
    request.end(text);
  });
}

/**
 * A call the identity provider or the agent would try again on a 5xx (Okta retries failed
 * provisioning): a few times, a moment apart. `retried` counts them, for the run's summary.
 */
export const retried = { count: 0 };
export async function withRetry(call: () => Promise<{ status: number; body: any }>): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- replies are read field by field
  for (let attempt = 0; ; attempt += 1) {
    const reply = await call();
    if (reply.status < 500 || attempt >= 4) return reply;
    retried.count += 1;
    await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
  }
}

/** Enrols one device for `userName`: the one place the load tool does so. Today: a single-use code from the administrator, exchanged by the device. */
export async function enrolDevice(base: string, userName: string, deviceName: string, platform: 'darwin' | 'linux'): Promise<{ deviceId: string; deviceToken: string }> {
  const code = await withRetry(() => httpJson(`${base}/api/v1/enrolment-codes`, 'POST', { userName }, ADMIN_TOKEN));
  if (code.status !== 201) throw new Error(`enrolment code: ${code.status}`);
  const device = await withRetry(() => httpJson(`${base}/api/v1/device/enrol`, 'POST', { code: code.body.code, deviceName, platform }, null));
  if (device.status !== 201) throw new Error(`enrol: ${device.status}`);
  return device.body as { deviceId: string; deviceToken: string };
}

/** `count` users, one device each (darwin and linux in turn), `concurrency` requests at a time. */
export async function makeFleet(base: string, count: number, options: { concurrency?: number; prefix?: string } = {}): Promise<FleetDevice[]> {
  const concurrency = options.concurrency ?? 16;
  const prefix = options.prefix ?? 'load';
  const fleet: FleetDevice[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const userName = `${prefix}${i}@example.com`;
        const user = await withRetry(() => httpJson(`${base}/scim/v2/Users`, 'POST', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true, name: { givenName: 'Load', familyName: String(i) } }, TOKEN));
        if (user.status !== 201) throw new Error(`create user: ${user.status}`);
        const platform = i % 2 === 0 ? 'darwin' : 'linux';
        const device = await enrolDevice(base, userName, `load-${i}`, platform);
        fleet[i] = { userName, userId: user.body.id as string, platform, ...device };
      }
    }),
  );
  return fleet;
}

export function closeEnrolAgent(): void {
  agent.destroy();
}
