/**
 * The console's flags: OpenID Connect all or nothing, over https (or loopback http), with
 * a role mapping; local accounts on unless switched off, which needs OpenID Connect; the
 * session times within their bounds; the client secret from a file only its owner reads.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@pwsync/testing/directory-harness';
import { UsageError, parseOptions } from '../src/cli-options';

const dir = tempDir();
const file = (name: string, text: string, mode = 0o600) => {
  const p = path.join(dir, name);
  writeFileSync(p, text, { mode });
  return p;
};
const base = ['--listen', '127.0.0.1:0', '--db', path.join(dir, 'd.db'), '--scim-token-file', file('scim', 'a-token-of-enough-length\n'), '--admin-token-file', file('admin', 'another-token-of-enough-length\n')];
const secret = file('oidc', 'the-client-secret-of-the-console\n');
const oidc = ['--console-oidc-issuer', 'https://example.okta.com', '--console-oidc-client-id', 'pwsync', '--console-oidc-client-secret-file', secret];

describe('the console\'s flags', () => {
  it('default to local accounts, 30 minutes idle and 12 hours in all', () => {
    expect(parseOptions(base)!.console).toEqual({ oidc: undefined, localAccounts: true, sessions: { idleTimeoutMs: 30 * 60_000, lifetimeMs: 12 * 3_600_000 } });
  });

  it('take OpenID Connect with its role mapping and the secret from its file', () => {
    const options = parseOptions([...base, ...oidc, '--console-admin-groups', 'pwsync-admins, it-leads', '--console-support-groups', 'helpdesk', '--console-local-accounts', 'off', '--console-idle-minutes', '15', '--console-session-hours', '8'])!;
    expect(options.console).toEqual({
      oidc: { issuer: 'https://example.okta.com/', clientId: 'pwsync', clientSecret: 'the-client-secret-of-the-console', name: 'Okta', roleClaim: 'groups', adminValues: ['pwsync-admins', 'it-leads'], supportValues: ['helpdesk'] },
      localAccounts: false,
      sessions: { idleTimeoutMs: 15 * 60_000, lifetimeMs: 8 * 3_600_000 },
    });
  });

  it.each([
    [['--console-oidc-issuer', 'https://example.okta.com'], '--console-oidc-issuer, --console-oidc-client-id and --console-oidc-client-secret-file go together'],
    [[...oidc], 'without them nobody gets a console role'],
    [['--console-oidc-issuer', 'http://idp.example.com', '--console-oidc-client-id', 'x', '--console-oidc-client-secret-file', secret, '--console-admin-groups', 'a'], 'must be an https URL'],
    [['--console-local-accounts', 'off'], 'otherwise nobody could sign in to the console'],
    [['--console-local-accounts', 'maybe'], 'must be on or off'],
    [['--console-idle-minutes', '2'], '--console-idle-minutes must be a whole number from 5 to 1440'],
    [['--console-session-hours', '500'], '--console-session-hours must be a whole number from 1 to 168'],
    [[...oidc.slice(0, 4), '--console-oidc-client-secret-file', file('open-secret', 'readable-by-all-of-them\n', 0o644), '--console-admin-groups', 'a'], 'can be read by others than its owner'],
  ])('refuse %j', (extra, message) => {
    expect(() => parseOptions([...base, ...extra])).toThrow(UsageError);
    expect(() => parseOptions([...base, ...extra])).toThrow(message);
  });
});
