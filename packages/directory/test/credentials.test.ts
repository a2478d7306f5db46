/**
 * Each credential does its one thing: the SCIM token SCIM, the admin token the admin
 * API, a device token that device's own calls, a machine token its machine's bindings,
 * an enrolment code one exchange. Every
 * other pairing is refused, on every endpoint, with the same 401 as no credential at all.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type Directory, TOKEN, call, createCode, createCodeForAnyUser, enrol, enrolMachine, exchangeCode, oktaUser, startDirectory } from '@pwsync/testing/directory-harness';

let directory: Directory;
let credentials: Record<'scim' | 'admin' | 'device' | 'machine' | 'code', string>;
let deviceId: string;

beforeAll(async () => {
  directory = await startDirectory();
  await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('cross@example.com'));
  const device = await enrol(directory.url, 'cross@example.com');
  deviceId = device.deviceId;
  const machine = (await enrolMachine(directory.url, (await createCodeForAnyUser(directory.url)).code)).body as { machineToken: string };
  credentials = { scim: TOKEN, admin: ADMIN_TOKEN, device: device.deviceToken, machine: machine.machineToken, code: (await createCode(directory.url, 'cross@example.com')).code };
});
afterAll(async () => {
  await directory.stop();
  rmSync(directory.dir, { recursive: true, force: true });
});

type Kind = 'scim' | 'admin' | 'device' | 'machine';
const ENDPOINTS: Array<[Kind, string, string, unknown?]> = [
  ['scim', 'GET', '/scim/v2/Users'],
  ['scim', 'POST', '/scim/v2/Users', oktaUser('made-by-a-wrong-token@example.com')],
  ['scim', 'GET', '/scim/v2/ServiceProviderConfig'],
  ['admin', 'POST', '/api/v1/enrolment-codes', { userName: 'cross@example.com' }],
  ['admin', 'GET', '/api/v1/enrolment-codes'],
  ['admin', 'GET', '/api/v1/users/cross@example.com/devices'],
  ['admin', 'PATCH', '/api/v1/users/cross@example.com', { syncEnabled: true }],
  ['admin', 'PATCH', '/api/v1/devices/DEVICE', { syncEnabled: true }],
  ['admin', 'DELETE', '/api/v1/enrolment-codes/enc_nope'],
  ['admin', 'GET', '/api/v1/machines'],
  ['admin', 'DELETE', '/api/v1/machines/mch_nope'],
  ['device', 'GET', '/api/v1/device/checkin'],
  ['machine', 'GET', '/api/v1/machine'],
  ['machine', 'PUT', '/api/v1/machine/people/cross', { userName: 'cross@example.com' }],
  ['machine', 'DELETE', '/api/v1/machine/people/nobody-here'],
  ['device', 'POST', '/api/v1/device/results', { changeId: 'chg_nope', outcome: 'synced', failedStep: null, at: new Date().toISOString() }],
];

describe('credentials', () => {
  it('every endpoint refuses every credential but its own, with 401', async () => {
    const refused: string[] = [];
    const accepted: string[] = [];
    for (const [kind, method, rawUrl, body] of ENDPOINTS) {
      const url = rawUrl.replace('DEVICE', deviceId);
      for (const [name, token] of [...Object.entries(credentials), ['none', null]] as Array<[string, string | null]>) {
        const reply = await call(directory.url, method, url, body, {}, token);
        const what = `${name} on ${method} ${rawUrl}`;
        if (name === kind) {
          if (reply.status !== 401) accepted.push(what);
        } else {
          expect(reply.status, what).toBe(401);
          expect(reply.headers.get('www-authenticate'), what).toMatch(/^Bearer/);
          refused.push(what);
        }
      }
    }
    expect(accepted).toHaveLength(ENDPOINTS.length);
    expect(refused).toHaveLength(ENDPOINTS.length * 5);
    // Nothing a refused request asked for happened.
    const made = await call(directory.url, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "made-by-a-wrong-token@example.com"')}`);
    expect(made.body.totalResults).toBe(1); // made once, by the SCIM token itself
  });

  it('the event stream takes only the device token', async () => {
    for (const token of [credentials.scim, credentials.admin, credentials.code]) {
      expect((await call(directory.url, 'GET', '/api/v1/device/events', undefined, {}, token)).status).toBe(401);
    }
  });

  it('no token is an enrolment code: the exchanges refuse the SCIM, admin, device and machine tokens', async () => {
    for (const token of [credentials.scim, credentials.admin, credentials.device, credentials.machine]) {
      expect((await exchangeCode(directory.url, token)).status).toBe(403);
      expect((await enrolMachine(directory.url, token)).status).toBe(403);
    }
    expect((await exchangeCode(directory.url, credentials.code)).status).toBe(201);
  });
});
