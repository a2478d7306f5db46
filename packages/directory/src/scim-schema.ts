/**
 * The User resource's attributes (RFC 7643 §4.1, §4.3), declared once: /Schemas is
 * rendered from this table and every write is checked against it, so what the
 * directory advertises and what it accepts cannot drift apart.
 */
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type AttrType = 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime' | 'binary';

export interface Attr {
  name: string;
  type: AttrType;
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'writeOnly' | 'immutable';
  returned?: 'always' | 'never' | 'default';
  uniqueness?: 'none' | 'server';
  subAttributes?: Attr[];
  description: string;
}

const str = (name: string, description: string): Attr => ({ name, type: 'string', description });
const typed = (description: string, value: Attr = str('value', 'the value')): Attr[] => [
  value,
  str('display', 'a human-readable name'),
  str('type', 'a label, e.g. work or home'),
  { name: 'primary', type: 'boolean', description: 'the preferred value' },
];
const multi = (name: string, description: string, value?: Attr): Attr => ({ name, type: 'complex', multiValued: true, subAttributes: typed(description, value), description });

export const USER_ATTRIBUTES: Attr[] = [
  { name: 'userName', type: 'string', required: true, uniqueness: 'server', description: 'unique sign-in name; compared case-insensitively' },
  {
    name: 'name',
    type: 'complex',
    description: "the person's name",
    subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => str(n, n)),
  },
  str('displayName', 'the name to display'),
  str('nickName', 'a casual name'),
  { name: 'profileUrl', type: 'reference', description: 'a profile page' },
  str('title', 'job title'),
  str('userType', 'e.g. Employee or Contractor'),
  str('preferredLanguage', 'e.g. en-US'),
  str('locale', 'e.g. en-US'),
  str('timezone', 'e.g. Europe/Berlin'),
  { name: 'active', type: 'boolean', description: 'false: deactivated; the devices are told and get no password change' },
  { name: 'password', type: 'string', mutability: 'writeOnly', returned: 'never', description: 'write-only; kept only as the hashes each platform needs' },
  multi('emails', 'email addresses'),
  multi('phoneNumbers', 'phone numbers'),
  multi('ims', 'instant messaging addresses'),
  multi('photos', 'photos', { name: 'value', type: 'reference', description: 'the photo URL' }),
  {
    name: 'addresses',
    type: 'complex',
    multiValued: true,
    description: 'postal addresses',
    subAttributes: [
      ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) => str(n, n)),
      { name: 'primary', type: 'boolean', description: 'the preferred address' },
    ],
  },
  {
    name: 'groups',
    type: 'complex',
    multiValued: true,
    mutability: 'readOnly',
    description: 'not kept by this directory; ignored on writes',
    subAttributes: [str('value', 'group id'), { name: '$ref', type: 'reference', description: 'group URI' }, str('display', 'group name'), str('type', 'direct or indirect')],
  },
  multi('entitlements', 'entitlements'),
  multi('roles', 'roles'),
  multi('x509Certificates', 'certificates', { name: 'value', type: 'binary', description: 'DER, base64' }),
];

export const ENTERPRISE_ATTRIBUTES: Attr[] = [
  ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((n) => str(n, n)),
  {
    name: 'manager',
    type: 'complex',
    description: "the person's manager",
    subAttributes: [str('value', 'manager id'), { name: '$ref', type: 'reference', description: 'manager URI' }, str('displayName', 'manager name')],
  },
];

/** Common attributes (RFC 7643 §3.1): id and meta are the server's; externalId is the client's. */
export const READ_ONLY_TOP = new Set(['id', 'meta', 'groups']);

export function findAttr(list: Attr[], name: string): Attr | undefined {
  const key = name.toLowerCase();
  return list.find((a) => a.name.toLowerCase() === key);
}
