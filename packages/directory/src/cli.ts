#!/usr/bin/env node
/**
 * pwsync-directory: the reference directory.
 *
 *   pwsync-directory --listen 127.0.0.1:PORT --db FILE --token-file FILE
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PBKDF2_DEFAULT_ITERATIONS } from '@pwsync/passwords';
import { runCli, stopSignal } from '@pwsync/node-kit/cli';
import { isLogLevel } from '@pwsync/node-kit/log';
import { createLogger } from '@pwsync/node-kit/logger';
import { startDirectory } from './server';

const USAGE = `Usage: pwsync-directory --listen HOST:PORT --db FILE --token-file FILE [options]

Serves SCIM 2.0 for the identity provider (/scim/v2) and the device API for agents (/api/v1).

Options:
  --listen HOST:PORT       where to listen, e.g. 127.0.0.1:8443; port 0 picks a free port and
                           prints {"url": …} as one JSON line on standard output when ready
  --db FILE                the SQLite database (created if missing)
  --token-file FILE        holds the bearer token for SCIM and the admin API (at least 16 characters)
  --provider NAME          the identity provider's name shown to people (default: Okta)
  --pbkdf2-iterations N    PBKDF2-SHA512 rounds of the macOS hash (default ${PBKDF2_DEFAULT_ITERATIONS}; 1000 to 10000000)
  --heartbeat-seconds N    comment sent on idle event streams (default 15)
  --log-level LEVEL        fatal, error, warn, info (default), debug
  -h, --help               show this help
`;

class UsageError extends Error {}

function wholeNumber(text: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return n;
}

function parseListen(text: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  if (!match) throw new UsageError(`--listen must be HOST:PORT, e.g. 127.0.0.1:8443, not "${text}"`);
  const port = Number(match[2]);
  if (port > 65535) throw new UsageError('--listen: the port must be from 0 to 65535');
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

function readToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const token = text.trim();
  if (token.length < 16 || /\s/.test(token)) throw new UsageError(`--token-file ${file} must hold one token of at least 16 characters, without spaces`);
  return token;
}

function parse(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        listen: { type: 'string' },
        db: { type: 'string' },
        'token-file': { type: 'string' },
        provider: { type: 'string' },
        'pbkdf2-iterations': { type: 'string' },
        'heartbeat-seconds': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  if (!values.listen) throw new UsageError('--listen is required');
  if (!values.db) throw new UsageError('--db is required');
  if (!values['token-file']) throw new UsageError('--token-file is required');
  const level = values['log-level'] ?? 'info';
  if (!isLogLevel(level)) throw new UsageError('--log-level must be fatal, error, warn, info or debug');
  const provider = values.provider ?? 'Okta';
  if (provider.length === 0 || provider.length > 200) throw new UsageError('--provider must be 1 to 200 characters');
  return {
    ...parseListen(values.listen),
    dbFile: path.resolve(values.db),
    token: readToken(values['token-file']),
    provider,
    pbkdf2Iterations: wholeNumber(values['pbkdf2-iterations'], '--pbkdf2-iterations', 1000, 10_000_000, PBKDF2_DEFAULT_ITERATIONS),
    heartbeatMs: wholeNumber(values['heartbeat-seconds'], '--heartbeat-seconds', 1, 3600, 15) * 1000,
    level,
  };
}

export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pwsync-directory: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stopped = stopSignal();
  const logger = createLogger({ name: 'pwsync-directory', level: options.level });
  let directory;
  try {
    directory = await startDirectory({ ...options, logger });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' ? `cannot listen on ${options.host}:${options.port}` : `cannot open the database ${options.dbFile}`;
    process.stderr.write(`pwsync-directory: ${what}: ${code ?? (error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify({ url: directory.url })}\n`);
  logger.info('directory ready', { url: directory.url, provider: options.provider, pbkdf2Iterations: options.pbkdf2Iterations });
  logger.info('shutting down', { signal: await stopped });
  await directory.close();
  logger.flush();
  return 0;
}

runCli('pwsync-directory', main);
