/**
 * Runs the tray app's core and the browser demo server as one process:
 *
 *   demo-host --socket PATH --renderer DIR [--port N] [--provider NAME] [--policy FILE] [--log-file FILE]
 *
 * Prints one JSON line {"url": …} on standard output when ready; stops on SIGTERM/SIGINT.
 *
 * With --log-file it keeps the tray app's log as the app keeps main.log (JSON lines,
 * info and up, 0600, about 1 MB then FILE.old), so the diagnostics and `pwsync doctor`
 * name a file that is there and the support code of each report can be found in it;
 * standard error gets PWSYNC_LOG_LEVEL and up, so npm start's terminal stays quiet.
 */
import { parseArgs } from 'node:util';
import pkg from '../../../../package.json';
import { createCore } from '@pwsync/tray/core/create-core';
import { isLogLevel, type Logger, type LogLevel } from '@pwsync/node-kit/log';
import { createLogger } from '@pwsync/node-kit/logger';
import { rotatingFile } from '@pwsync/node-kit/rotating-file';
import { LOG_FILE_MAX_BYTES } from '@pwsync/tray/main/file-logger';
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
      'log-file': { type: 'string' },
    },
  });
  if (!values.socket || !values.renderer) {
    process.stderr.write('Usage: demo-host --socket PATH --renderer DIR [--port N] [--provider NAME] [--policy FILE] [--log-file FILE]\n');
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
  const logFile = values['log-file'];
  const logger = hostLogger(isLogLevel(level) ? level : 'info', logFile);
  // The same loader as the tray app's, so a bad policy file behaves here as there.
  const policy = values.policy ? await loadPolicy(values.policy, logger) : demoPolicy(values.provider ?? 'Okta');
  const core = createCore({
    socketPath: values.socket,
    demo: true,
    appVersion: pkg.version,
    logger,
    policy,
    logLocation: logFile ?? null,
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

/** Standard error at `level`; and, given a file, that file at info (debug when asked) whatever standard error gets. */
function hostLogger(level: LogLevel, file: string | undefined): Logger {
  const terminal = createLogger({ name: 'pwsync-app', level });
  if (!file) return terminal;
  const kept = createLogger({ name: 'pwsync-app', level: level === 'debug' ? 'debug' : 'info', destination: rotatingFile({ file, maxBytes: LOG_FILE_MAX_BYTES }) });
  const both = (at: keyof Logger): Logger[keyof Logger] => (message, fields) => {
    terminal[at](message, fields);
    kept[at](message, fields);
  };
  return { debug: both('debug'), info: both('info'), warn: both('warn'), error: both('error') };
}

void main(process.argv.slice(2));
