/**
 * SCIM 2.0 /Users as Okta uses it (Okta's SCIM 2.0 reference: the create flow is a
 * GET with `filter=userName eq "…"&startIndex=1&count=100`, then a POST; password
 * pushes and deactivation are PATCHes with `replace` and a value object; profile
 * pushes are PUTs), against the real directory process.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE, type Directory, PATCH_OP, call, oktaReplace, oktaUser, startDirectory } from '@pwsync/testing/directory-harness';

let directory: Directory;
const scim = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => call(directory.url, method, `/scim/v2${url}`, body, headers);
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

beforeAll(async () => {
  directory = await startDirectory();
});
afterAll(async () => {
  await directory.stop();
  rmSync(directory.dir, { recursive: true, force: true });
});

describe('Okta create flow', () => {
  it('finds no user, creates one with a password, finds it case-insensitively', async () => {
    const find = (name: string) => scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}&startIndex=1&count=100`);
    const none = await find('ada.lovelace@example.com');
    expect(none.status).toBe(200);
    expect(none.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(none.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const created = await scim('POST', '/Users', oktaUser('Ada.Lovelace@example.com', 'Analytical-Engine-1843'));
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.userName).toBe('Ada.Lovelace@example.com');
    expect(created.body.active).toBe(true);
    expect(created.body.password).toBeUndefined();
    expect(created.text).not.toContain('Analytical-Engine-1843');
    expect(created.body.meta).toMatchObject({ resourceType: 'User', version: 'W/"1"', location: `${directory.url}/scim/v2/Users/${created.body.id}` });
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.headers.get('location')).toBe(created.body.meta.location);

    const found = await find('ada.lovelace@EXAMPLE.com');
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(created.body.id);

    const byId = await scim('GET', `/Users/${created.body.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(created.body);
  });

  it('answers a duplicate userName (in any case) with 409 uniqueness', async () => {
    await scim('POST', '/Users', oktaUser('grace@example.com'));
    const again = await scim('POST', '/Users', oktaUser('GRACE@example.com'));
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ schemas: [ERROR], status: '409', scimType: 'uniqueness', detail: expect.any(String) });
  });
});

describe('paging', () => {
  it('pages with startIndex and count, as integers', async () => {
    for (let i = 0; i < 5; i += 1) await scim('POST', '/Users', oktaUser(`page${i}@example.com`));
    const all = await scim('GET', '/Users?startIndex=1&count=1000');
    const total = all.body.totalResults as number;
    expect(total).toBeGreaterThanOrEqual(5);
    const page = await scim('GET', '/Users?startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: total, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { id: string }) => r.id)).toEqual(all.body.Resources.slice(1, 3).map((r: { id: string }) => r.id));
    const zero = await scim('GET', '/Users?count=0');
    expect(zero.body).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
    const bad = await scim('GET', '/Users?count=ten');
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe('invalidValue');
  });
});

describe('updates', () => {
  async function createUser(name: string) {
    return (await scim('POST', '/Users', oktaUser(name, 'first-Password-1'))).body as { id: string; meta: { version: string } };
  }

  it('PATCH in Okta form: deactivate, reactivate, push a password', async () => {
    const user = await createUser('alan@example.com');
    const off = await scim('PATCH', `/Users/${user.id}`, oktaReplace({ active: false }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect(off.body.meta.version).toBe('W/"2"');
    const on = await scim('PATCH', `/Users/${user.id}`, oktaReplace({ active: true }));
    expect(on.body.active).toBe(true);
    const password = await scim('PATCH', `/Users/${user.id}`, oktaReplace({ password: 'second-Password-2' }));
    expect(password.status).toBe(200);
    expect(password.text).not.toContain('second-Password-2');
  });

  it('PATCH with a path: password, active, a sub-attribute, an enterprise attribute; add and remove', async () => {
    const user = await createUser('barbara@example.com');
    const reply = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'password', value: 'third-Password-3' },
        { op: 'Replace', path: 'active', value: false },
        { op: 'replace', path: 'name.givenName', value: 'Barbara' },
        { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Research' },
        { op: 'add', path: 'emails', value: [{ value: 'b@home.example', type: 'home' }] },
        { op: 'remove', path: 'locale' },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ active: false, name: { givenName: 'Barbara', familyName: 'User' } });
    expect(reply.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({ department: 'Research' });
    expect(reply.body.schemas).toContain('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect(reply.body.emails).toHaveLength(2);
    expect(reply.body.locale).toBeUndefined();
  });

  it('PUT replaces the profile and keeps the password when none is sent', async () => {
    const user = await createUser('claude@example.com');
    const body = { ...oktaUser('claude@example.com'), displayName: 'Claude S.', id: user.id };
    const put = await scim('PUT', `/Users/${user.id}`, body);
    expect(put.status).toBe(200);
    expect(put.body.displayName).toBe('Claude S.');
    expect(put.body.meta.version).toBe('W/"2"');
  });

  it('PUT to a userName another user has is 409 uniqueness; nothing changes', async () => {
    const a = await createUser('dora@example.com');
    await createUser('edsger@example.com');
    const put = await scim('PUT', `/Users/${a.id}`, oktaUser('Edsger@example.com'));
    expect(put.status).toBe(409);
    expect(put.body.scimType).toBe('uniqueness');
    expect((await scim('GET', `/Users/${a.id}`)).body.userName).toBe('dora@example.com');
  });

  it('honours If-Match: a stale version is 412 and writes nothing', async () => {
    const user = await createUser('frances@example.com');
    const stale = await scim('PATCH', `/Users/${user.id}`, oktaReplace({ displayName: 'Stale' }), { 'if-match': 'W/"7"' });
    expect(stale.status).toBe(412);
    expect(stale.body.status).toBe('412');
    const fresh = await scim('PATCH', `/Users/${user.id}`, oktaReplace({ displayName: 'Fresh' }), { 'if-match': user.meta.version });
    expect(fresh.status).toBe(200);
    expect(fresh.body.displayName).toBe('Fresh');
  });

  it('DELETE removes the user', async () => {
    const user = await createUser('gone@example.com');
    expect((await scim('DELETE', `/Users/${user.id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${user.id}`)).status).toBe(404);
  });
});

describe('bad input is a SCIM error and writes nothing', () => {
  let id: string;
  beforeAll(async () => {
    id = (await scim('POST', '/Users', oktaUser('hedy@example.com'))).body.id;
  });
  const unchanged = async () => {
    const user = await scim('GET', `/Users/${id}`);
    expect(user.body.meta.version).toBe('W/"1"');
    expect(user.body.active).toBe(true);
  };

  it.each([
    ['malformed JSON', 'PATCH', '{"schemas": [', 400, 'invalidSyntax'],
    ['a JSON array', 'PATCH', '[]', 400, 'invalidSyntax'],
    ['an unknown attribute', 'PATCH', oktaReplace({ active: false, shoeSize: 44 }), 400, 'invalidPath'],
    ['a wrong type', 'PATCH', oktaReplace({ active: 'no' }), 400, 'invalidValue'],
    ['an unknown op', 'PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'active', value: false }] }, 400, 'invalidSyntax'],
    ['no Operations', 'PATCH', { schemas: [PATCH_OP] }, 400, 'invalidSyntax'],
    ['a filtered path', 'PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y' }] }, 400, 'invalidPath'],
    ['a read-only attribute', 'PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'id', value: 'x' }] }, 400, 'mutability'],
    ['remove without a path', 'PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] }, 400, 'noTarget'],
    ['a valid op then a bad one', 'PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'title', value: 7 }] }, 400, 'invalidValue'],
    ['a password with a line break', 'PATCH', oktaReplace({ password: 'two\nlines' }), 400, 'invalidValue'],
    ['PUT with an unknown attribute', 'PUT', { ...oktaUser('hedy@example.com'), favouriteColour: 'blue' }, 400, 'invalidSyntax'],
    ['PUT without userName', 'PUT', { schemas: [CORE], active: false }, 400, 'invalidValue'],
    ['PUT with a number for a name', 'PUT', { ...oktaUser('hedy@example.com'), name: { givenName: 5 } }, 400, 'invalidValue'],
  ])('%s', async (_label, method, body, status, scimType) => {
    const reply = await scim(method as string, `/Users/${id}`, body);
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(reply.body).toEqual({ schemas: [ERROR], status: String(status), scimType, detail: expect.any(String) });
    await unchanged();
  });

  it('a huge body is 413 and writes nothing', async () => {
    const reply = await scim('PATCH', `/Users/${id}`, oktaReplace({ displayName: 'x'.repeat(70 * 1024) }));
    expect(reply.status).toBe(413);
    expect(reply.body.status).toBe('413');
    await unchanged();
  });

  it('a POST with a bad attribute creates no user', async () => {
    const reply = await scim('POST', '/Users', { ...oktaUser('ghost@example.com'), active: 'yes' });
    expect(reply.status).toBe(400);
    expect((await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "ghost@example.com"')}`)).body.totalResults).toBe(0);
  });

  it.each(['userName sw "a"', 'title eq "x"', 'userName eq unquoted', 'userName eq "a" and active eq true', ''])('filter %j is invalidFilter', async (filter) => {
    const reply = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(reply.status).toBe(400);
    expect(reply.body.scimType).toBe('invalidFilter');
  });

  it('unknown id is 404, unknown endpoint is 404, wrong method is 405', async () => {
    expect((await scim('GET', '/Users/nope')).body).toEqual({ schemas: [ERROR], status: '404', detail: expect.any(String) });
    expect((await scim('GET', '/Groups')).status).toBe(404);
    expect((await scim('DELETE', '/Users')).status).toBe(405);
  });
});

describe('authentication', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'scim-test-token-4f1c9a7b2X'],
  ])('%s is 401 on every SCIM endpoint', async (_label, token) => {
    for (const url of ['/Users', '/ServiceProviderConfig', '/Schemas', '/ResourceTypes']) {
      const reply = await call(directory.url, 'GET', `/scim/v2${url}`, undefined, {}, token);
      expect(reply.status).toBe(401);
      expect(reply.body.status).toBe('401');
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });
});

describe('discovery', () => {
  it('ServiceProviderConfig says what is supported', async () => {
    const reply = await scim('GET', '/ServiceProviderConfig');
    expect(reply.body).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true }, etag: { supported: true }, changePassword: { supported: true } });
    expect(reply.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
  });

  it('ResourceTypes and Schemas describe User, with password write-only and never returned', async () => {
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources[0]).toMatchObject({ id: 'User', endpoint: '/Users', schema: CORE });
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.totalResults).toBe(2);
    const user = (await scim('GET', `/Schemas/${CORE}`)).body;
    expect(user.attributes.find((a: { name: string }) => a.name === 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(user.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
  });
});
