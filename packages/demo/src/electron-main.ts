/**
 * npm start's tray app: Electron runs this package (`electron packages/demo`, its
 * package.json's "main"), and this runs the tray's own shell in demo mode. Built by
 * scripts/build.mjs into packages/demo/dist/, never into the tray's package: the
 * installed app starts from packages/tray/src/main/entry.ts, which knows nothing of it.
 */
import { main, type ShellEnvironment } from '@pwsync/tray/main/main';
import { demoShellEnvironment } from './demo-shell';

function environmentOrExit(): ShellEnvironment {
  try {
    return demoShellEnvironment(process.env);
  } catch (error) {
    process.stderr.write(`pwsync demo: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

main(environmentOrExit());
