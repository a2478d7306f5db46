#!/usr/bin/env node
/**
 * pwsync-agent: the reference device agent.
 *
 *   pwsync-agent --socket PATH --backend sandbox|linux|darwin --state-dir DIR [--directory URL]
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AgentService } from './agent-service';
import type { PlatformBackend } from './backends/backend';
import { SandboxBackend } from './backends/sandbox';
import type { SyncStep } from './protocol/schemas';
import { seedDemo } from './demo-seed';
import { createLogger } from './logger';
import { AgentServer } from './server';
import { AGENT_VERSION } from './version';

const USAGE = `Usage: pwsync-agent --socket PATH --backend sandbox|linux|darwin --state-dir DIR [options]

Serves the pwsync agent protocol to the tray app of one user on a local socket.

Options:
  --socket PATH       the Unix socket (or Windows named pipe) to listen on
  --backend NAME      sandbox (a practice account in the state folder), linux or darwin
  --state-dir DIR     where pending changes, the journal and history are kept
  --user NAME         whose changes this socket serves (default: the user running the agent)
  --directory URL     the directory to check in with (not yet supported by this build)
  --seed-demo         with --backend sandbox: create the practice account and a demo change
  --log-level LEVEL   fatal, error, warn, info (default), debug
  -h, --help          show this help
`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      socket: { type: 'string' },
      backend: { type: 'string' },
      'state-dir': { type: 'string' },
      user: { type: 'string' },
      directory: { type: 'string' },
      'seed-demo': { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  if (!values.socket) throw new UsageError('--socket is required');
  if (!values.backend) throw new UsageError('--backend is required');
  if (!['sandbox', 'linux', 'darwin'].includes(values.backend)) throw new UsageError(`--backend must be sandbox, linux or darwin, not "${values.backend}"`);
  if (!values['state-dir']) throw new UsageError('--state-dir is required');
  if (values['seed-demo'] && values.backend !== 'sandbox') throw new UsageError('--seed-demo works only with --backend sandbox');
  if (values.directory !== undefined) throw new UsageError('--directory is not supported by this build yet');
  const level = values['log-level'] ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug'].includes(level)) throw new UsageError(`--log-level must be fatal, error, warn, info or debug`);
  return {
    socket: path.resolve(values.socket),
    backend: values.backend,
    stateDir: path.resolve(values['state-dir']),
    user: values.user ?? os.userInfo().username,
    seedDemo: values['seed-demo'] ?? false,
    level,
  };
}

function createBackend(name: string, stateDir: string): PlatformBackend {
  if (name === 'sandbox') return new SandboxBackend(stateDir);
  throw new UsageError(`The ${name} backend is not part of this build yet; use --backend sandbox`);
}

/**
 * The crash tests kill the agent at an exact point of a sync: PWSYNC_FAULT_KILL_AT=step:before|after.
 * Honoured only by the sandbox backend, which changes nothing real.
 */
function crashPoint(spec: string | undefined): ((step: SyncStep, moment: 'before' | 'after') => void) | undefined {
  if (!spec) return undefined;
  return (step, moment) => {
    if (`${step}:${moment}` === spec) process.kill(process.pid, 'SIGKILL');
  };
}

export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`pwsync-agent: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = createLogger({ level: options.level });
  let backend: PlatformBackend;
  try {
    backend = createBackend(options.backend, options.stateDir);
  } catch (error) {
    process.stderr.write(`pwsync-agent: ${(error as Error).message}\n`);
    return 2;
  }
  const service = new AgentService({
    stateDir: options.stateDir,
    user: options.user,
    backend,
    logger,
    version: AGENT_VERSION,
    checkpoint: options.backend === 'sandbox' ? crashPoint(process.env.PWSYNC_FAULT_KILL_AT) : undefined,
  });
  await service.load();
  if (options.seedDemo) await seedDemo(options.stateDir, service);
  const server = new AgentServer({ socketPath: options.socket, service, logger, demo: options.backend === 'sandbox' });
  try {
    await server.listen();
  } catch (error) {
    process.stderr.write(`pwsync-agent: cannot listen on ${options.socket}: ${(error as NodeJS.ErrnoException).code ?? 'error'}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await server.close();
  logger.flush();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`pwsync-agent: ${error instanceof Error ? error.name : 'error'}: could not start\n`);
    process.exit(1);
  },
);
