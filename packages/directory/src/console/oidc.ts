/**
 * Sign-in through the organisation's identity provider with OpenID Connect, by
 * openid-client (a certified relying party, so discovery, the token exchange, ID token
 * signature, issuer, audience, expiry and nonce checks are not ours to get wrong):
 * authorization code flow with PKCE (S256), a random state and nonce per sign-in.
 *
 * The state, PKCE verifier and nonce wait in the database (by the state's SHA-256, for
 * 10 minutes, used once), not in a cookie, so the provider may send the browser back to
 * any directory instance. At most 10,000 wait at once: a stranger clicking "sign in"
 * in a loop fills that, not the disk.
 *
 * The person's console role comes from one claim of the ID token (or userinfo), e.g.
 * `groups`: a value in the admin list makes them admin, else one in the support list
 * support, else they are refused. The role is read again at every sign-in, so a change
 * of groups at the provider takes effect at the next one.
 */
import * as client from 'openid-client';
import type { Role } from '@pwsync/console-contract';
import { isLoopback } from '../addresses';
import type { DirectoryContext } from '../context';
import { sha256 } from '../http-io';
import { newId } from '../store';
import type { AccountRow, ConsoleStore } from './console-store';
import { ConsoleError } from './console-error';

export interface OidcOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the sign-in button names, e.g. "Okta". */
  name: string;
  /** The claim holding the person's groups or roles (a string or an array of strings). */
  roleClaim: string;
  adminValues: string[];
  supportValues: string[];
  scopes?: string;
}

const LOGIN_LIFETIME_MS = 10 * 60 * 1000;
const MAX_WAITING_LOGINS = 10_000;
export const CALLBACK_PATH = '/console/auth/callback';

export function roleFor(claims: Record<string, unknown>, options: Pick<OidcOptions, 'roleClaim' | 'adminValues' | 'supportValues'>): Role | undefined {
  const raw = claims[options.roleClaim];
  const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
  if (values.some((v) => options.adminValues.includes(v))) return 'admin';
  if (values.some((v) => options.supportValues.includes(v))) return 'support';
  return undefined;
}

/** Only where the page may come back to: a path of the console, nothing absolute. */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/console\/[A-Za-z0-9\-._~/%?=&#]*$/.test(value) && !value.includes('//') ? value : '/console/';
}

/** Signed in at the provider, but no mapping gives a role: the audit log names who. */
export class NoRoleError extends ConsoleError {
  constructor(readonly userName: string) {
    super(403, 'noRole', 'Your account at the identity provider has no console role.');
  }
}

export class OidcSignIn {
  private config: Promise<client.Configuration> | undefined;

  constructor(
    private readonly ctx: DirectoryContext,
    private readonly store: ConsoleStore,
    readonly options: OidcOptions,
  ) {}

  /** Discovery, once, when first needed (the directory starts even while the provider is down); a failure is tried again next time. */
  private configuration(): Promise<client.Configuration> {
    if (!this.config) {
      const issuer = new URL(this.options.issuer);
      // Plain HTTP to the provider only on loopback (a test's or a local proxy's), as for the directory itself.
      const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname.replace(/^\[|\]$/g, ''));
      this.config = client
        .discovery(issuer, this.options.clientId, undefined, client.ClientSecretBasic(this.options.clientSecret), {
          timeout: 10,
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        })
        .catch((error: unknown) => {
          this.config = undefined;
          throw error;
        });
    }
    return this.config;
  }

  private redirectUri(): string {
    return `${this.ctx.publicUrl}${CALLBACK_PATH}`;
  }

  /** The provider's authorization URL for a new sign-in; its state, verifier and nonce are kept. */
  async start(returnTo: string): Promise<string> {
    const config = await this.unavailableIfDown(() => this.configuration());
    const now = this.ctx.now().getTime();
    await this.store.deleteEnded(new Date(now).toISOString());
    if ((await this.store.loginCount()) >= MAX_WAITING_LOGINS) throw new ConsoleError(503, 'unavailable', 'Too many sign-ins are under way; try again in a few minutes.', {}, { 'retry-after': '60' });
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    await this.store.insertLogin({ state_hash: sha256(state), code_verifier: verifier, nonce, return_to: safeReturnTo(returnTo), expires_at: new Date(now + LOGIN_LIFETIME_MS).toISOString() });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(),
      // A `groups` claim comes with its scope at most providers (Okta's among them); other claims need none of their own.
      scope: this.options.scopes ?? `openid profile email${this.options.roleClaim === 'groups' ? ' groups' : ''}`,
      response_type: 'code',
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return url.href;
  }

  /**
   * The provider sent the browser back: the code is exchanged (with the verifier), the ID
   * token checked (signature, issuer, audience, expiry, nonce), and the account made or
   * updated with the role the mapping gives. Refusals are ConsoleErrors with a stable code.
   */
  async finish(callbackUrl: URL): Promise<{ account: AccountRow; returnTo: string; created: boolean }> {
    const state = callbackUrl.searchParams.get('state');
    const login = state && state.length <= 200 ? await this.store.takeLogin(sha256(state)) : undefined;
    if (!login || Date.parse(login.expires_at) <= this.ctx.now().getTime()) throw new ConsoleError(400, 'signInFailed', 'This sign-in is unknown, used or too old: start again.');
    const config = await this.unavailableIfDown(() => this.configuration());
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(`${this.redirectUri()}${callbackUrl.search}`), {
        pkceCodeVerifier: login.code_verifier,
        expectedState: state!,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      if (claims[this.options.roleClaim] === undefined && tokens.access_token) {
        // Some providers put groups only in userinfo.
        const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims };
      }
    } catch (error) {
      // The library's message may quote what the provider sent: the log gets its name and code only.
      this.ctx.logger.warn('OpenID Connect sign-in refused', { err: { name: (error as Error).name, code: (error as { code?: string }).code } });
      throw new ConsoleError(400, 'signInFailed', 'The identity provider\'s answer could not be used.');
    }
    const role = roleFor(claims, this.options);
    const subject = `${String(claims.iss)} ${String(claims.sub)}`;
    const userName = [claims.preferred_username, claims.email, claims.sub].find((v): v is string => typeof v === 'string' && v.length > 0)!.slice(0, 128);
    const displayName = (typeof claims.name === 'string' && claims.name ? claims.name : userName).slice(0, 200);
    if (!role) throw new NoRoleError(userName);
    const existing = await this.store.accountBySubject(subject);
    if (existing) {
      if (existing.disabled) throw new ConsoleError(403, 'forbidden', 'This console account is disabled.');
      const updated = await this.store.updateAccount({ ...existing, role, display_name: displayName }, false);
      return { account: updated, returnTo: login.return_to, created: false };
    }
    const account = await this.store.insertAccount({
      id: newId('acc'),
      user_name: userName,
      user_name_key: `oidc ${subject}`,
      display_name: displayName,
      role,
      via: 'oidc',
      subject,
      password_hash: null,
      created_at: this.ctx.now().toISOString(),
    });
    return { account, returnTo: login.return_to, created: true };
  }

  private async unavailableIfDown<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      this.ctx.logger.error('the identity provider cannot be reached', { issuer: this.options.issuer, err: { name: (error as Error).name, code: (error as { code?: string }).code } });
      throw new ConsoleError(503, 'unavailable', 'The identity provider cannot be reached; try again, or sign in with a console account.');
    }
  }
}
