/**
 * Runs the tray app's core and the browser demo server as one process:
 *
 *   demo-host --socket PATH --renderer DIR [--port N] [--provider NAME]
 *
 * Prints one JSON line {"url": …} on standard output when ready; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import pkg from '../../package.json';
import { createCore } from '../core/create-core';
import type { CoreLogger, LogFields } from '../core/logger';
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
    },
  });
  if (!values.socket || !values.renderer) {
    process.stderr.write('Usage: demo-host --socket PATH --renderer DIR [--port N] [--provider NAME]\n');
    process.exit(2);
  }
  const logger = pinoLogger();
  const core = createCore({ socketPath: values.socket, demo: true, appVersion: pkg.version, logger, provider: values.provider ?? 'Okta' });
  const server = await startDemoServer({ core, rendererDir: values.renderer, logger, port: values.port ? Number(values.port) : 0 });
  core.start();
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = async () => {
    core.stop();
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

void main(process.argv.slice(2));
