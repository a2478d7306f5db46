/**
 * Runs the tray app's core and the browser demo server as one process:
 *
 *   demo-host --socket PATH --renderer DIR [--port N] [--provider NAME] [--policy FILE]
 *
 * Prints one JSON line {"url": …} on standard output when ready; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import pkg from '../../../../package.json';
import { createCore } from '@pwsync/tray/core/create-core';
import { isLogLevel } from '@pwsync/node-kit/log';
import { createLogger } from '@pwsync/node-kit/logger';
import { demoIdentityProvider } from '../demo-identity-provider';
import { demoPolicy, loadPolicy } from '@pwsync/tray/core/policy-loader';
import { startDemoServer } from './demo-server';

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      socket: { type: 'string' },
      renderer: { type: 'string' },
      port: { type: 'string' },
      provider: { type: 'string' },
      policy: { type: 'string' },
    },
  });
  if (!values.socket || !values.renderer) {
    process.stderr.write('Usage: demo-host --socket PATH --renderer DIR [--port N] [--provider NAME] [--policy FILE]\n');
    process.exit(2);
  }
  // Stop signals are caught from the start, so one that arrives while starting still ends cleanly.
  let stopRequested = false;
  let stop = (): void => {
    stopRequested = true;
  };
  process.once('SIGTERM', () => stop());
  process.once('SIGINT', () => stop());
  // The tray app's core logs here as it does in the app: as pwsync-app, to standard error.
  const level = process.env.PWSYNC_LOG_LEVEL;
  const logger = createLogger({ name: 'pwsync-app', level: isLogLevel(level) ? level : 'info' });
  // The same loader as the tray app's, so a bad policy file behaves here as there.
  const policy = values.policy ? await loadPolicy(values.policy, logger) : demoPolicy(values.provider ?? 'Okta');
  const core = createCore({
    socketPath: values.socket,
    demo: true,
    appVersion: pkg.version,
    logger,
    policy,
    simulatePasswordChange: demoIdentityProvider(process.env),
  });
  const server = await startDemoServer({ core, rendererDir: values.renderer, logger, port: values.port ? Number(values.port) : 0 });
  stop = () => {
    core.stop();
    void server.close().then(() => process.exit(0));
  };
  if (stopRequested) return stop();
  core.start();
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

void main(process.argv.slice(2));
