/**
 * npm run idp -- COMMAND USER: act as the identity provider (Okta) towards a pwsync
 * directory, with the same SCIM requests Okta sends. For support training and demos.
 *
 *   set-password USER   the new password from standard input, or typed (not shown) on a terminal
 *   create-user USER    [--password: also read a password as set-password does]
 *   deactivate USER / activate USER
 *
 * Without --directory (or PWSYNC_DIRECTORY_URL) it talks to the demo npm start runs, found
 * in the demo's runtime folder (demo.json: the directory's address and its SCIM token's
 * file), not by looking for processes; and says so when no demo is running.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoRuntimeDir } from '@pwsync/agent-protocol';
import { readDemoState } from '@pwsync/agent-protocol/demo-state';
import { IdpError, type IdpTarget, createUser, setActive, setPassword } from './idp-client';

const USAGE = `Usage: npm run idp -- COMMAND USER [--directory URL] [--token-file FILE]

Sends what Okta sends to a pwsync directory over SCIM 2.0.

Commands:
  set-password USER   change USER's password; reads it from standard input, or asks for it
                      (twice, not shown) when standard input is a terminal
  create-user USER    create USER (with --password, also set a password, read as above)
  deactivate USER     deactivate USER, as unassigning them in Okta does
  activate USER       reactivate USER

Options:
  --directory URL     the directory (default: $PWSYNC_DIRECTORY_URL, else the demo npm start
                      runs, as its demo.json in the demo's runtime folder says)
  --token-file FILE   the file holding the directory's SCIM token (default: $PWSYNC_TOKEN_FILE,
                      else, for the demo's directory, the demo's own)
  -h, --help          show this help
`;

class UsageError extends Error {}

/** Reads a line from the terminal with echo off; Ctrl-C aborts. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new UsageError('cancelled'));
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await promptHidden('New password: ');
    const second = await promptHidden('Again: ');
    if (first !== second) throw new UsageError('the two passwords differ; nothing was sent');
    if (!first) throw new UsageError('the password is empty; nothing was sent');
    return first;
  }
  // One line from a pipe; its line break is not part of the password.
  const text = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  if (!text) throw new UsageError('no password on standard input; nothing was sent');
  return text;
}

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { directory: { type: 'string' }, 'token-file': { type: 'string' }, password: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [command, user, ...extra] = positionals;
  if (!command || !['set-password', 'create-user', 'deactivate', 'activate'].includes(command)) throw new UsageError('COMMAND must be set-password, create-user, deactivate or activate');
  if (!user || extra.length) throw new UsageError('give exactly one USER');
  if (values.password && command !== 'create-user') throw new UsageError('--password goes with create-user only');
  const given = values.directory ?? process.env.PWSYNC_DIRECTORY_URL;
  // The demo's token file goes only with the demo's directory: never to a directory named here.
  const demo = given === undefined ? runningDemo() : undefined;
  const directory = given ?? demo!.url;
  if (!/^https?:\/\//.test(directory)) throw new UsageError('--directory URL must start with http:// or https://');
  const tokenFile = values['token-file'] ?? process.env.PWSYNC_TOKEN_FILE ?? demo?.scimTokenFile;
  if (!tokenFile) throw new UsageError('--token-file FILE is required with --directory, or set PWSYNC_TOKEN_FILE');
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`cannot read --token-file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return { command, user, withPassword: values.password ?? false, target: { directory, token } satisfies IdpTarget, fromDemo: demo?.file };
}

/** The directory of the demo npm start runs, from the record it keeps in its runtime folder. */
function runningDemo(): { url: string; scimTokenFile: string; file: string } {
  const run = readDemoState(demoRuntimeDir());
  const otherwise = 'Start the demo with npm start, or name a directory with --directory URL and --token-file FILE.';
  switch (run.kind) {
    case 'none':
      throw new UsageError(`no demo is running (there is no ${run.file}). ${otherwise}`);
    case 'stale':
      throw new UsageError(`no demo is running: the one that wrote ${run.file} (npm start, process ${run.demo.pid}) has stopped. ${otherwise}`);
    case 'unreadable':
      throw new UsageError(`${run.file} cannot be read, so the demo's directory is not known. ${otherwise}`);
    case 'running':
      if (!run.demo.directory) throw new UsageError(`the demo in ${run.demo.folder} is still starting; try again in a moment.`);
      return { ...run.demo.directory, file: run.file };
  }
}

async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`idp: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { command, user, target } = options;
  if (options.fromDemo) console.log(`Using the demo's directory at ${target.directory} (from ${options.fromDemo}).`);
  try {
    if (command === 'set-password') {
      await setPassword(target, user, await readPassword());
      console.log(`Password changed for ${user}, sent to the directory as Okta sends it. Their devices will be told.`);
    } else if (command === 'create-user') {
      const id = await createUser(target, user, options.withPassword ? await readPassword() : undefined);
      console.log(`Created ${user} (id ${id}).`);
    } else {
      await setActive(target, user, command === 'activate');
      console.log(`${command === 'activate' ? 'Activated' : 'Deactivated'} ${user}.`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`idp: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`idp: ${error instanceof IdpError ? error.message : 'unexpected error'}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
