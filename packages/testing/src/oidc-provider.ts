/**
 * A real OpenID provider for the console's tests: oidc-provider (a certified OpenID
 * Connect implementation) on 127.0.0.1, port 0, with one confidential client and a set
 * of people. Its sign-in page is replaced by one that signs in whoever the test named
 * in `signInAs` and grants the scopes asked for, so a test drives the whole browser
 * round trip (authorization code with PKCE, state, nonce) with plain HTTP requests.
 *
 * oidc-provider 9 warns once that it wants Node 22; it runs on Node 20 as these tests
 * show (docs say 20 is not supported, not that it fails). Test-only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcPerson {
  sub: string;
  preferred_username: string;
  name: string;
  email: string;
  groups: string[];
}

export interface RunningProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next sign-in at the provider signs in as (the provider's own login page, done by the test). */
  signInAs: string;
  people: Map<string, OidcPerson>;
  /** What the provider saw of each authorization request (PKCE method, state and nonce present). */
  authorizations: Array<{ codeChallengeMethod: string | null; hasState: boolean; hasNonce: boolean; scope: string | null }>;
  close(): Promise<void>;
}

export const OIDC_CLIENT_SECRET = 'oidc-client-secret-3b8d1f0e6a2c4975';

export async function startOidcProvider(redirectUri: string, people: OidcPerson[]): Promise<RunningProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const running: RunningProvider = {
    issuer,
    clientId: 'pwsync-console',
    clientSecret: OIDC_CLIENT_SECRET,
    signInAs: people[0]?.sub ?? '',
    people: new Map(people.map((p) => [p.sub, p])),
    authorizations: [],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const provider = new Provider(issuer, {
    clients: [{ client_id: running.clientId, client_secret: running.clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    // Refuse any authorization request without PKCE: the console must send it.
    pkce: { required: () => true },
    // The scopes' claims in the ID token itself, as Okta's groups claim can be.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['pwsync-test-cookie-key'] },
    findAccount: async (_ctx, sub) => {
      const person = running.people.get(sub);
      return person ? { accountId: sub, claims: async () => ({ ...person }) } : undefined;
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/auth') {
      running.authorizations.push({
        codeChallengeMethod: url.searchParams.get('code_challenge_method'),
        hasState: url.searchParams.has('state'),
        hasNonce: url.searchParams.has('nonce'),
        scope: url.searchParams.get('scope'),
      });
    }
    if (url.pathname.startsWith('/interaction/')) {
      void (async () => {
        try {
          const details = await provider.interactionDetails(req, res);
          const accountId = running.signInAs;
          const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
          grant.addOIDCScope(String(details.params.scope));
          const grantId = await grant.save();
          await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
        } catch (error) {
          res.writeHead(500).end((error as Error).name);
        }
      })();
      return;
    }
    callback(req, res);
  });
  return running;
}
