/**
 * The support console's end-to-end world: the real directory (in this process, with its
 * console: sessions, CSRF, roles, the built page at /console/), a real OpenID provider
 * (oidc-provider) for signing in, people created over SCIM as Okta creates them, and
 * real agents (the built CLI, sandbox backend) enrolled with enrolment codes, holding the
 * directory's event stream, and confirming, failing or staying offline as each test
 * needs. Every part is stopped by the test that started it, by its own handle.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Platform } from '@pwsync/agent-protocol';
import { type RunningDirectory, startDirectory } from '@pwsync/directory/server';
import { SandboxBackend } from '@pwsync/agent/backends/sandbox';
import { type OidcPerson, type RunningProvider, startOidcProvider } from '@pwsync/testing/oidc-provider';
import { runNode } from '@pwsync/demo/stack';
import { BUILT, makeTempDir, ROOT, type Running } from '@pwsync/testing/processes';
import { connectRaw, responseTo } from '@pwsync/testing/raw-socket';
import { recordingLogger } from '@pwsync/testing/recording-logger';
import { keychainOnAnotherPassword } from '@pwsync/testing/seed';

export const USER = os.userInfo().username;
export const SCIM_TOKEN = `scim-${randomBytes(12).toString('hex')}`;
export const ADMIN_TOKEN = `admin-${randomBytes(12).toString('hex')}`;
/** The passwords of the people's computers: searched for in every output after each test. */
export const PASSWORDS = { previous: 'Prev-console pass 1', next: 'Nëw console pass 2', third: 'Third console pass 3' };
export const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The console's people at the identity provider (OpenID Connect): an administrator and a support engineer. */
export const STAFF: OidcPerson[] = [
  { sub: 'sub-ada', preferred_username: 'ada@example.com', name: 'Ada Admin', email: 'ada@example.com', groups: ['pwsync-admins'] },
  { sub: 'sub-sam', preferred_username: 'sam@example.com', name: 'Sam Support', email: 'sam@example.com', groups: ['pwsync-support'] },
  { sub: 'sub-nora', preferred_username: 'nora@example.com', name: 'Nora Nobody', email: 'nora@example.com', groups: ['sales'] },
];

export interface Agent {
  name: string;
  deviceId: string;
  socketPath: string;
  stateDir: string;
  running: Running | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ConsoleWorld {
  url: string;
  directory: RunningDirectory;
  oidc: RunningProvider;
  dir: string;
  consoleUrl: string;
  createPerson(userName: string, name: { givenName: string; familyName: string }, email: string): Promise<string>;
  /** The person changes their password at the identity provider: Okta's SCIM PATCH. */
  changePassword(userName: string, password: string): Promise<void>;
  /** An administrator's code (admin API) exchanged by a device for its token, as a device does. */
  enrol(userName: string, deviceName: string, platform: Platform, code?: string): Promise<{ deviceId: string; tokenFile: string }>;
  /** A real agent for an enrolled device, its practice account on PASSWORDS.previous; started unless `offline`. */
  agent(userName: string, deviceName: string, platform: Platform, options?: { offline?: boolean }): Promise<Agent>;
  /** The person types both passwords into pwsync on this computer (the agent's confirmChange). */
  confirm(agent: Agent, next?: string, previous?: string): Promise<{ outcome: string; failedStep: string | null }>;
  /** The agent's own status (over its socket), e.g. whether the directory told it sync is off. */
  agentStatus(agent: Agent): Promise<{ directory: { state: string; syncEnabled: boolean }; pendingChange: { id: string } | null }>;
  /** The practice keychain on a password of its own: the keychain step then fails, with the sandbox's reason. */
  breakKeychain(agent: Agent): Promise<void>;
  signIn(page: Page, sub: string): Promise<void>;
  /** Every byte the world printed or wrote, for searching for the passwords. */
  allOutput(): Promise<string>;
  stop(): Promise<void>;
}

export interface ConsoleWorldOptions {
  idleTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startConsoleWorld(options: ConsoleWorldOptions = {}): Promise<ConsoleWorld> {
  const dir = makeTempDir('pwcw-');
  // The provider must know the console's callback before the directory can name the provider:
  // the directory's port is chosen first (free now), then both start.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const oidc = await startOidcProvider(`${url}/console/auth/callback`, STAFF);
  // Everything the directory logs, unredacted, so a password that reached it would be found.
  const logger = recordingLogger();
  const directory = await startDirectory({
    host: '127.0.0.1',
    port,
    database: { engine: 'sqlite', file: path.join(dir, 'directory.db') },
    scimToken: SCIM_TOKEN,
    adminToken: ADMIN_TOKEN,
    provider: 'Okta',
    pbkdf2Iterations: 1000,
    cryptRounds: 5000,
    hashRetentionMs: 24 * 3600_000,
    heartbeatMs: 15_000,
    logger,
    console: {
      pageDir: path.join(ROOT, 'packages/console/dist'),
      passwordCost: { ln: 10, r: 8, p: 1 },
      sessions: options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {},
      oidc: { issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret, name: 'Okta', roleClaim: 'groups', adminValues: ['pwsync-admins'], supportValues: ['pwsync-support'], scopes: 'openid profile email groups' },
    },
  });
  const agents: Agent[] = [];
  const scim = (method: string, route: string, body?: unknown) =>
    fetch(`${url}/scim/v2${route}`, { method, headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(json);
  const userIds = new Map<string, string>();

  const world: ConsoleWorld = {
    url,
    directory,
    oidc,
    dir,
    consoleUrl: `${url}/console/`,
    async createPerson(userName, name, email) {
      const created = await scim('POST', '/Users', {
        schemas: [CORE],
        userName,
        name,
        emails: [{ primary: true, value: email, type: 'work' }],
        displayName: `${name.givenName} ${name.familyName}`,
        active: true,
        password: PASSWORDS.previous,
      });
      userIds.set(userName, String(created.id));
      return String(created.id);
    },
    async changePassword(userName, password) {
      await scim('PATCH', `/Users/${encodeURIComponent(userIds.get(userName)!)}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { password } }] });
    },
    async enrol(userName, deviceName, platform, code) {
      let enrolmentCode = code;
      if (!enrolmentCode) {
        const made = await fetch(`${url}/api/v1/enrolment-codes`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ userName, label: deviceName }) }).then(json);
        enrolmentCode = String(made.code);
      }
      const answer = await fetch(`${url}/api/v1/device/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: enrolmentCode, deviceName, platform }) }).then(json);
      const tokenFile = path.join(dir, `${deviceName.replace(/\W+/g, '-')}.token`);
      writeFileSync(tokenFile, `${String(answer.deviceToken)}\n`, { mode: 0o600 });
      return { deviceId: String(answer.deviceId), tokenFile };
    },
    async agent(userName, deviceName, platform, agentOptions = {}) {
      const { deviceId, tokenFile } = await world.enrol(userName, deviceName, platform);
      const slug = `a${agents.length}`;
      const stateDir = path.join(dir, `${slug}-state`);
      const socketPath = path.join(dir, `${slug}.sock`);
      await SandboxBackend.provision(stateDir, USER, PASSWORDS.previous);
      const agent: Agent = {
        name: deviceName,
        deviceId,
        socketPath,
        stateDir,
        running: undefined,
        async start() {
          await fs.rm(socketPath, { force: true });
          const running = runNode(ROOT, [
            BUILT.agent, '--socket', socketPath, '--backend', 'sandbox', '--sandbox-platform', platform, '--state-dir', stateDir,
            '--directory', url, '--device-token-file', tokenFile, '--checkin-interval', '1', '--log-level', 'debug',
          ]);
          agent.running = running;
          const until = Date.now() + 10_000;
          while (!(await fs.stat(socketPath).catch(() => null))) {
            if (running.child.exitCode !== null) throw new Error(`the agent did not start: ${running.output()}`);
            if (Date.now() > until) throw new Error('the agent did not start listening');
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        },
        async stop() {
          await agent.running?.stop();
          agent.running = undefined;
        },
      };
      agents.push(agent);
      if (!agentOptions.offline) await agent.start();
      return agent;
    },
    async confirm(agent, next = PASSWORDS.next, previous = PASSWORDS.previous) {
      const client = await connectRaw(agent.socketPath);
      try {
        client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '1.2', client: { name: 'console-e2e', version: '0' } } });
        await responseTo(client, 1);
        // The change reaches the agent over the directory's stream: wait until it holds one.
        let changeId: string | undefined;
        for (let tries = 0; tries < 100 && !changeId; tries += 1) {
          client.send({ jsonrpc: '2.0', id: 100 + tries, method: 'status', params: {} });
          const status = (await responseTo(client, 100 + tries)).result as { pendingChange: { id: string } | null };
          changeId = status.pendingChange?.id;
          if (!changeId) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        if (!changeId) throw new Error(`${agent.name} never received the change`);
        client.send({ jsonrpc: '2.0', id: 2, method: 'confirmChange', params: { changeId, newPassword: next, previousPassword: previous } });
        const answer = await responseTo(client, 2);
        // A step that fails is the agent's error answer, carrying the step (agent-protocol errors.ts).
        const error = answer.error as { data?: { step?: string } } | undefined;
        if (error) return { outcome: 'failed', failedStep: error.data?.step ?? null };
        return answer.result as { outcome: string; failedStep: string | null };
      } finally {
        client.socket.destroy();
      }
    },
    async agentStatus(agent) {
      const client = await connectRaw(agent.socketPath);
      try {
        client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '1.2', client: { name: 'console-e2e', version: '0' } } });
        await responseTo(client, 1);
        client.send({ jsonrpc: '2.0', id: 2, method: 'status', params: {} });
        return (await responseTo(client, 2)).result as never;
      } finally {
        client.socket.destroy();
      }
    },
    breakKeychain: (agent) => keychainOnAnotherPassword(agent.stateDir, USER),
    async signIn(page, sub) {
      oidc.signInAs = sub;
      await page.goto(world.consoleUrl);
      await page.getByRole('link', { name: 'Sign in with Okta' }).click();
    },
    async allOutput() {
      const parts = [logger.text(), ...agents.map((agent) => agent.running?.output() ?? '')];
      for (const agent of agents) {
        const files = await fs.readdir(agent.stateDir, { recursive: true }).catch(() => [] as string[]);
        for (const file of files) parts.push(await fs.readFile(path.join(agent.stateDir, String(file)), 'utf8').catch(() => ''));
      }
      return parts.join('\n');
    },
    async stop() {
      for (const agent of agents.reverse()) await agent.stop();
      await directory.close();
      await oidc.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}
