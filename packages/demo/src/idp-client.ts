/**
 * What an identity provider sends, as Okta sends it: find the user with
 * `filter=userName eq "…"`, then PATCH with a `replace` whose value is an object.
 * Used by `npm run idp` and by anything that simulates Okta (the tray's demo entry).
 * The password goes only into the request body; errors quote the directory's
 * `detail`, which never holds a value the client sent.
 */
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export class IdpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'IdpError';
  }
}

export interface IdpTarget {
  /** The directory's base URL, e.g. http://127.0.0.1:8470 */
  directory: string;
  token: string;
}

async function scim(target: IdpTarget, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(new URL(`/scim/v2${path}`, target.directory), {
      method,
      headers: { authorization: `Bearer ${target.token}`, accept: 'application/scim+json', ...(body ? { 'content-type': 'application/scim+json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new IdpError(`cannot reach the directory at ${target.directory} (${(error as { cause?: { code?: string } }).cause?.code ?? 'network error'})`);
  }
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) throw new IdpError(`the directory answered ${response.status}: ${String(json.detail ?? response.statusText)}`, response.status);
  return json;
}

export async function findUserId(target: IdpTarget, userName: string): Promise<string> {
  const filter = encodeURIComponent(`userName eq ${JSON.stringify(userName)}`);
  const list = await scim(target, 'GET', `/Users?filter=${filter}&startIndex=1&count=100`);
  const found = (list.Resources as Array<{ id: string }> | undefined)?.[0];
  if (!found) throw new IdpError(`no user ${userName} at the directory`, 404);
  return found.id;
}

export async function setPassword(target: IdpTarget, userName: string, password: string): Promise<void> {
  const id = await findUserId(target, userName);
  await scim(target, 'PATCH', `/Users/${encodeURIComponent(id)}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { password } }] });
}

export async function setActive(target: IdpTarget, userName: string, active: boolean): Promise<void> {
  const id = await findUserId(target, userName);
  await scim(target, 'PATCH', `/Users/${encodeURIComponent(id)}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] });
}

/** Okta's create: the lookup first, then a POST in the shape of Okta's SCIM 2.0 reference. */
export async function createUser(target: IdpTarget, userName: string, password?: string): Promise<string> {
  const filter = encodeURIComponent(`userName eq ${JSON.stringify(userName)}`);
  const list = await scim(target, 'GET', `/Users?filter=${filter}&startIndex=1&count=100`);
  if (Number(list.totalResults) > 0) throw new IdpError(`${userName} already exists at the directory`, 409);
  const [given, ...rest] = userName.split('@')[0]!.split(/[._-]/);
  const created = await scim(target, 'POST', '/Users', {
    schemas: [CORE_USER],
    userName,
    name: { givenName: given || userName, familyName: rest.join(' ') || '-' },
    emails: userName.includes('@') ? [{ primary: true, value: userName, type: 'work' }] : [],
    displayName: userName,
    locale: 'en-US',
    groups: [],
    ...(password !== undefined ? { password } : {}),
    active: true,
  });
  return String(created.id);
}
