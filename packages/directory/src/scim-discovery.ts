/** The SCIM discovery endpoints (RFC 7644 §4), rendered from the attribute table. */
import { type Attr, CORE_USER, ENTERPRISE_ATTRIBUTES, ENTERPRISE_USER, USER_ATTRIBUTES } from './scim-schema';
import { LIST_RESPONSE, MAX_PAGE } from './scim-users';

const SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(base: string) {
  return {
    schemas: [SPC],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE },
    changePassword: { supported: true },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'The token in the directory token file, as `Authorization: Bearer <token>`.', primary: true },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/scim/v2/ServiceProviderConfig` },
  };
}

export function userResourceType(base: string) {
  return {
    schemas: [RESOURCE_TYPE],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A person whose computers pwsync keeps in step',
    schema: CORE_USER,
    schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
    meta: { resourceType: 'ResourceType', location: `${base}/scim/v2/ResourceTypes/User` },
  };
}

function renderAttr(attr: Attr): Record<string, unknown> {
  return {
    name: attr.name,
    type: attr.type,
    multiValued: attr.multiValued ?? false,
    description: attr.description,
    required: attr.required ?? false,
    caseExact: attr.caseExact ?? false,
    mutability: attr.mutability ?? 'readWrite',
    returned: attr.returned ?? 'default',
    uniqueness: attr.uniqueness ?? 'none',
    ...(attr.subAttributes ? { subAttributes: attr.subAttributes.map(renderAttr) } : {}),
  };
}

export function schemas(base: string) {
  const externalId: Attr = { name: 'externalId', type: 'string', caseExact: true, description: "the identity provider's own id for the user" };
  return [
    {
      schemas: [SCHEMA],
      id: CORE_USER,
      name: 'User',
      description: 'User Account',
      attributes: [...USER_ATTRIBUTES, externalId].map(renderAttr),
      meta: { resourceType: 'Schema', location: `${base}/scim/v2/Schemas/${CORE_USER}` },
    },
    {
      schemas: [SCHEMA],
      id: ENTERPRISE_USER,
      name: 'EnterpriseUser',
      description: 'Enterprise User',
      attributes: ENTERPRISE_ATTRIBUTES.map(renderAttr),
      meta: { resourceType: 'Schema', location: `${base}/scim/v2/Schemas/${ENTERPRISE_USER}` },
    },
  ];
}

export function listOf(resources: unknown[]) {
  return { schemas: [LIST_RESPONSE], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources };
}
