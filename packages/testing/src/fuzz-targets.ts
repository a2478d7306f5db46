/**
 * What the fuzzer (http-fuzz.ts) is pointed at: the directory with a user, an enrolled
 * device, an enrolled machine and enrolment codes, so valid credentials and bodies reach its handlers;
 * and the browser demo's host with its per-run token. Shared by the tests (a CI-sized
 * run) and the bench (50,000 requests each).
 */
import type { FuzzTarget } from './http-fuzz';
import { ADMIN_TOKEN, type Directory, PATCH_OP, TOKEN, type TlsTrust, call, createCode, createCodeForAnyUser, enrol, enrolMachine, oktaReplace, oktaUser } from './directory-harness';

/** The target, and the secrets in it that must never reach the directory's output. */
export async function directoryFuzzTarget(d: Directory, trust?: TlsTrust): Promise<{ target: FuzzTarget; device: { deviceId: string; deviceToken: string }; secrets: string[] }> {
  const userId = (await call(d.url, 'POST', '/scim/v2/Users', oktaUser('fuzz@example.com'), {}, TOKEN, trust)).body.id as string;
  const device = await enrol(d.url, 'fuzz@example.com', 'Fuzzed', 'linux', trust);
  const code = await createCode(d.url, 'fuzz@example.com', { uses: 1000 }, trust);
  // A machine (its token reaches the binding endpoints) and a code for any user (it enrols machines).
  const fleet = await createCodeForAnyUser(d.url, { uses: 1000 }, trust);
  const machine = (await enrolMachine(d.url, fleet.code, 'fuzz-machine', 'linux', trust)).body.machineToken as string;
  const target: FuzzTarget = {
    port: Number(new URL(d.url).port),
    ...(trust ? { tls: trust } : {}),
    host: new URL(d.url).host,
    paths: [
      '/scim/v2/Users', '/scim/v2/Users/{id}', `/scim/v2/Users/${userId}`, '/scim/v2/ServiceProviderConfig', '/scim/v2/Schemas/{id}', '/scim/v2/ResourceTypes',
      '/api/v1/device/checkin', '/api/v1/device/events', '/api/v1/device/results', '/api/v1/device/enrol', '/api/v1/enrolment-codes', '/api/v1/enrolment-codes/{id}',
      '/api/v1/users/{id}/devices', '/api/v1/users/fuzz%40example.com', '/api/v1/devices/{id}', '/{id}',
      '/api/v1/machine/enrol', '/api/v1/machine', '/api/v1/machine/people/{id}', '/api/v1/machine/people/fuzz', '/api/v1/machines', '/api/v1/machines/{id}',
    ],
    credentials: [['Authorization', `Bearer ${TOKEN}`], ['Authorization', `Bearer ${ADMIN_TOKEN}`], ['Authorization', `Bearer ${device.deviceToken}`], ['Authorization', `Bearer ${code.code}`], ['Authorization', `Bearer ${machine}`]] as Array<[string, string]>,
    bodies: [
      oktaUser('fuzz-made@example.com'),
      { ...oktaUser('fuzz-pw@example.com'), password: 'Fuzz-Pass-Secret-1' },
      oktaReplace({ displayName: 'Fuzzed' }),
      oktaReplace({ active: false }),
      { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'emails', value: [{ value: 'x@y' }] }, { op: 'remove', path: 'name.givenName' }] },
      { userName: 'fuzz@example.com', uses: 2, label: 'fuzz' },
      { code: code.code, deviceName: 'Fuzz box', platform: 'darwin' },
      { code: fleet.code, machineName: 'Fuzz machine', platform: 'linux' },
      { userName: 'fuzz@example.com' },
      { localPart: 'fuzz' },
      { forAnyUser: true, uses: 2 },
      { changeId: 'chg_x', outcome: 'synced', failedStep: null, at: new Date().toISOString() },
      { syncEnabled: true },
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { 'name.familyName': 'F', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'D' } } }] },
    ],
    queries: ['filter=userName eq "fuzz@example.com"', 'startIndex=-5&count=99999', 'count=abc', 'filter=%zz', `userName=fuzz%40example.com`],
  };
  return { target, device, secrets: [TOKEN, ADMIN_TOKEN, device.deviceToken, code.code, fleet.code, machine, 'Fuzz-Pass-Secret-1'] };
}

/** The demo host's target: the page's token in the query and the header, the invokes of the contract. */
export function demoHostFuzzTarget(url: string): { target: FuzzTarget; token: string } {
  const page = new URL(url);
  const token = page.searchParams.get('token')!;
  return {
    token,
    target: {
      port: Number(page.port),
      host: page.host,
      paths: ['/', '/index.html', '/api/events', '/api/invoke/getState', '/api/invoke/confirmChange', '/api/invoke/checkIn', '/api/invoke/dismissProblem', '/api/invoke/{id}', '/assets/{id}', '/{id}'],
      credentials: [['X-Pwsync-Token', token], ['Origin', `http://${page.host}`], ['X-Pwsync-Token', 'not-the-token']],
      bodies: [[], [{ changeId: 'chg_x', newPassword: 'Demo-Fuzz-New-1', previousPassword: 'Demo-Fuzz-Old-1' }], [{}], [null], { not: 'an array' }],
      queries: [`token=${token}`, 'token=', 'token=%zz'],
    },
  };
}
