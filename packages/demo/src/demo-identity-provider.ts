/**
 * Demo mode's "Simulate a password change at the identity provider": a real SCIM
 * PATCH to the demo's directory, exactly as Okta sends it, cycling through the
 * practice passwords README.md lists. Only ever built in demo mode, from the
 * environment npm start sets.
 */
import { readFile } from 'node:fs/promises';
import { setPassword } from './idp-client';

/** The practice passwords in the order the demo sets them; the account starts on the last. */
export const DEMO_PASSWORD_CYCLE = ['winter-snow-77', 'spring-rain-13', 'summer-sun-58', 'autumn-leaves-42'] as const;

export function demoIdentityProvider(env: NodeJS.ProcessEnv): (() => Promise<void>) | undefined {
  const directory = env.PWSYNC_DEMO_DIRECTORY;
  const tokenFile = env.PWSYNC_DEMO_TOKEN_FILE;
  const userName = env.PWSYNC_DEMO_USER;
  if (!directory || !tokenFile || !userName) return undefined;
  // npm start already sent the first change of the cycle.
  let next = 1;
  return async () => {
    const token = (await readFile(tokenFile, 'utf8')).trim();
    const password = DEMO_PASSWORD_CYCLE[next % DEMO_PASSWORD_CYCLE.length]!;
    await setPassword({ directory, token }, userName, password);
    next += 1;
  };
}
