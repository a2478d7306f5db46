#!/usr/bin/env node
/**
 * pwsync-directory: the reference directory.
 *
 *   pwsync-directory --listen HOST:PORT (--db FILE | --database URL | --database-url-file FILE)
 *                    --scim-token-file FILE --admin-token-file FILE
 *                    (--tls-cert FILE --tls-key FILE | on loopback | --trusted-proxy ADDR) [options]
 *   pwsync-directory move-store --from FILE (--to URL | --to-url-file FILE) [--to-password-file FILE]
 */
import { runCli, stopSignal } from '@pwsync/node-kit/cli';
import { type CliOptions, MOVE_USAGE, USAGE, UsageError, parseMoveOptions, parseOptions, readTls } from './cli-options';
import { moveStore } from './move-store';
import { createLogger } from '@pwsync/node-kit/logger';
import { CapacityError } from './fd-limit';
import { startDirectory } from './server';

/** `move-store`: the embedded database into PostgreSQL (move-store.ts). */
async function moveCommand(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseMoveOptions>;
  try {
    options = parseMoveOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pwsync-directory move-store: ${error.message}\n\n${MOVE_USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(MOVE_USAGE);
    return 0;
  }
  try {
    const { copied } = await moveStore(options.from, options.to);
    process.stdout.write(`${JSON.stringify({ moved: options.from, to: options.targetName, copied })}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`pwsync-directory move-store: nothing was moved: ${(error as Error).message}\n`);
    return 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'move-store') return moveCommand(argv.slice(1));
  let options: CliOptions | undefined;
  try {
    options = parseOptions(argv);
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
  let directory: Awaited<ReturnType<typeof startDirectory>> | undefined;
  const { tlsFiles } = options;
  if (tlsFiles) {
    // A renewed certificate takes effect for new connections; open event streams stay up.
    process.on('SIGHUP', () => {
      if (!directory) return;
      try {
        directory.reloadTls(readTls(tlsFiles.cert, tlsFiles.key));
        logger.info('TLS certificate and key reloaded', { cert: tlsFiles.cert });
      } catch (error) {
        logger.error('could not reload the TLS certificate; the previous one stays in use', { reason: (error as Error).message });
      }
    });
  }
  try {
    directory = await startDirectory({ ...options, logger });
  } catch (error) {
    if (error instanceof CapacityError) {
      process.stderr.write(`pwsync-directory: ${error.message}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    const listening = (error as { syscall?: string }).syscall === 'listen' || code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL';
    // A database's own words say why (no such role, wrong password, a newer schema); they never hold the password.
    const why = listening || !(error as Error).message ? (code ?? 'error') : (error as Error).message;
    process.stderr.write(`pwsync-directory: ${listening ? `cannot listen on ${options.host}:${options.port}` : `cannot open the database ${options.databaseName}`}: ${why}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify({ url: directory.url })}\n`);
  logger.info('directory ready', { url: directory.url, database: options.databaseName, engine: directory.context.store.engine, publicUrl: directory.context.publicUrl, tls: tlsFiles !== undefined, trustedProxies: options.trustedProxies ?? [], provider: options.provider, pbkdf2Iterations: options.pbkdf2Iterations, cryptRounds: options.cryptRounds });
  logger.info('shutting down', { signal: await stopped });
  await directory.close();
  logger.flush();
  return 0;
}

runCli('pwsync-directory', main);
