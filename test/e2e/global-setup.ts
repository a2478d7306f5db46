import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** One build for the whole run: the tests drive what `npm start` ships. */
export default function globalSetup(): void {
  if (process.env.PWSYNC_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [path.resolve('scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
}
