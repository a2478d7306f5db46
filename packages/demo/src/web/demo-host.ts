/**
 * Runs the tray app's core and the browser demo server as one process:
 *
 *   demo-host --socket PATH --renderer DIR [--port N] [--provider NAME] [--policy FILE]
 *
 * Prints one JSON line {"url": …} on standard output when ready; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import pkg from '../../../../package.json';
import { createCore } from '@pwsync/tray/core/create-core';
import type { CoreLogger, LogFields } from '@pwsync/tray/core/logger';
import { demoIdentityProvider } from '../demo-identity-provider';
import { demoPolicy, loadPolicy } from '@pwsync/tray/core/policy-loader';
import { startDemoServer } from './demo-server';

function pinoLogger(): CoreLogger {
  const log = pino({ base: { name: 'pwsync-app' }, level: process.env.PWSYNC_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => log[level](fields ?? {}, message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

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
  const logger = pinoLogger();
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
