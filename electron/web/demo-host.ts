/**
 * Runs the tray app's core and the browser demo server as one process:
 *
 *   demo-host --socket PATH --renderer DIR [--port N] [--provider NAME] [--policy FILE]
 *
 * Prints one JSON line {"url": …} on standard output when ready; stops on SIGTERM/SIGINT.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pino from 'pino';
import pkg from '../../package.json';
import { createCore } from '../core/create-core';
import type { CoreLogger, LogFields } from '../core/logger';
import { type LoadedPolicy, parsePolicy } from '../core/policy';
import { startDemoServer } from './demo-server';

function pinoLogger(): CoreLogger {
  const log = pino({ base: { name: 'pwsync-app' }, level: process.env.PWSYNC_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => log[level](fields ?? {}, message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function readPolicyFile(file: string): Promise<LoadedPolicy> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    raw = undefined;
  }
  return parsePolicy(raw, file);
}

/** The demo's stand-in for an administrator's policy file. */
function demoPolicy(identityProvider: string): LoadedPolicy {
  return parsePolicy(
    {
      organization: 'Example Corp',
      identityProvider,
      supportUrl: 'https://support.example.com/pwsync',
      supportContact: 'IT Help Desk, extension 4357',
      newKeychainOffered: true,
    },
    'demo policy',
  );
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
  const policy = values.policy ? await readPolicyFile(values.policy) : demoPolicy(values.provider ?? 'Okta');
  const core = createCore({ socketPath: values.socket, demo: true, appVersion: pkg.version, logger, policy });
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
