import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * One build before the tests that run programs as they ship (the agent CLI, the demo
 * host, npm start). Tests never build themselves, so no test runs a half-written bundle.
 */
export default function setup(): void {
  if (process.env.PWSYNC_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [path.resolve('scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
}
