/**
 * What TLS costs the directory (issue 12), each figure against its own floor measured
 * in the same run: the same directory over plain HTTP on loopback.
 *  (a) check-in throughput, 50 keep-alive clients (1,000 devices), TLS ÷ plain;
 *  (b) event-stream throughput: 1,000 devices each holding a stream, the administrator
 *      turning the user's sync off and on 20 times (each a `changed` event on every
 *      stream), events delivered per second, TLS ÷ plain;
 *  (c) memory per open stream: the directory's resident memory with the 1,000 streams
 *      open, less before, per stream; against a bare https server holding as many
 *      connections (the floor: what Node and TLS cost a connection anyway).
 * Certificates are made with openssl for the run, EC P-256 as a CA would issue.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import readline from 'node:readline';
import { issue, makeCa } from '@pwsync/testing/tls-fixtures';
import type { BenchResult } from './run';

import { ROOT } from '@pwsync/testing/processes';
const TOKEN = 'bench-token-0123456789abcdef';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const CLIENTS = 50;
const DEVICES = 1000;
const TOGGLES = 20;
const SECONDS = 3;

interface Side {
  url: string;
  child: ChildProcess;
  agent: http.Agent;
  ca?: string;
}

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

async function spawnUrl(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', () => reject(new Error('exited before it was ready')));
  });
  return { child, url };
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));

function request(side: Side, method: string, url: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; text: string }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const options = {
      method,
      agent: side.agent,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}) },
    };
    const req = (side.ca ? https : http).request(`${side.url}${url}`, options, (res) => {
      let reply = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (reply += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: reply }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function startSide(dir: string, tls?: { certFile: string; keyFile: string; ca: string }): Promise<Side> {
  writeFileSync(path.join(dir, 'scim.token'), TOKEN, { mode: 0o600 });
  writeFileSync(path.join(dir, 'admin.token'), ADMIN_TOKEN, { mode: 0o600 });
  const { child, url } = await spawnUrl([
    '--import', 'tsx', path.join(ROOT, 'packages/directory/src/cli.ts'), '--listen', '127.0.0.1:0', '--db', path.join(dir, 'd.db'),
    '--scim-token-file', path.join(dir, 'scim.token'), '--admin-token-file', path.join(dir, 'admin.token'), '--pbkdf2-iterations', '1000', '--crypt-rounds', '5000',
    '--log-level', 'warn', ...(tls ? ['--tls-cert', tls.certFile, '--tls-key', tls.keyFile] : []),
  ]);
  const agent = tls ? new https.Agent({ keepAlive: true, maxSockets: CLIENTS, ca: tls.ca }) : new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  return { url, child, agent, ca: tls?.ca };
}

async function enrolDevices(side: Side, count: number): Promise<string[]> {
  await request(side, 'POST', '/scim/v2/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'fleet@example.com', active: true });
  const { code } = JSON.parse((await request(side, 'POST', '/api/v1/enrolment-codes', { userName: 'fleet@example.com', uses: count }, ADMIN_TOKEN)).text) as { code: string };
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, (_, j) => request(side, 'POST', '/api/v1/device/enrol', { code, deviceName: `d${i + j}`, platform: 'darwin' }, null)),
    );
    for (const reply of batch) tokens.push((JSON.parse(reply.text) as { deviceToken: string }).deviceToken);
  }
  return tokens;
}

async function checkinRate(side: Side, tokens: string[]): Promise<number> {
  const warm = performance.now() + 1000;
  const until = warm + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (performance.now() < until) {
        const reply = await request(side, 'GET', '/api/v1/device/checkin', undefined, tokens[c % tokens.length]!);
        if (reply.status !== 200) throw new Error(`check-in ${reply.status}`);
        if (performance.now() >= warm) done += 1;
      }
    }),
  );
  return done / SECONDS;
}

/** Opens one stream per token, each on its own connection; resolves once every stream said hello. */
async function openStreams(side: Side, tokens: string[], onEvent: () => void): Promise<http.ClientRequest[]> {
  const requests: http.ClientRequest[] = [];
  for (let i = 0; i < tokens.length; i += 50) {
    await Promise.all(
      tokens.slice(i, i + 50).map(
        (token) =>
          new Promise<void>((resolve, reject) => {
            const options = { headers: { authorization: `Bearer ${token}` }, agent: false as const, ...(side.ca ? { ca: side.ca } : {}) };
            const req = (side.ca ? https : http).get(`${side.url}/api/v1/device/events`, options, (res) => {
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                if (chunk.includes('event: hello')) resolve();
                if (chunk.includes('event: changed')) for (const _ of chunk.matchAll(/event: changed/g)) onEvent();
              });
            });
            req.on('error', reject);
            requests.push(req);
          }),
      ),
    );
  }
  return requests;
}

async function measure(side: Side): Promise<{ checkins: number; eventsPerSecond: number; kibPerStream: number }> {
  const tokens = await enrolDevices(side, DEVICES);
  // Memory first, before any load has grown the heap (a collection during the count would hide the streams).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const before = rssKiB(side.child.pid!);
  let received = 0;
  const streams = await openStreams(side, tokens, () => (received += 1));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const kibPerStream = (rssKiB(side.child.pid!) - before) / tokens.length;
  const started = performance.now();
  for (let i = 0; i < TOGGLES; i += 1) {
    await request(side, 'PATCH', '/api/v1/users/fleet%40example.com', { syncEnabled: i % 2 === 1 }, ADMIN_TOKEN);
  }
  while (received < TOGGLES * tokens.length) {
    if (performance.now() - started > 60_000) throw new Error(`only ${received} events arrived`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const eventsPerSecond = received / ((performance.now() - started) / 1000);
  for (const s of streams) s.destroy();
  const checkins = await checkinRate(side, tokens);
  return { checkins, eventsPerSecond, kibPerStream };
}

/** The floor for memory: a bare https server holding as many open responses, in its own process. */
async function bareConnectionKiB(cert: { certFile: string; keyFile: string }, ca: string): Promise<number> {
  const script = `const fs=require('node:fs');const s=require('node:https').createServer({cert:fs.readFileSync(${JSON.stringify(cert.certFile)}),key:fs.readFileSync(${JSON.stringify(cert.keyFile)})},(q,r)=>{r.writeHead(200,{'content-type':'text/event-stream'});r.write('event: hello\\n\\n')});s.listen(0,'127.0.0.1',()=>console.log(JSON.stringify({url:'https://127.0.0.1:'+s.address().port})));process.on('SIGTERM',()=>process.exit(0));`;
  const { child, url } = await spawnUrl(['-e', script]);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = rssKiB(child.pid!);
    const side: Side = { url, child, agent: new https.Agent({ ca }), ca };
    const streams = await openStreams(side, Array.from({ length: DEVICES }, () => 'x'), () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const kib = (rssKiB(child.pid!) - before) / DEVICES;
    for (const s of streams) s.destroy();
    return kib;
  } finally {
    await stop(child);
  }
}

export default async function tlsBench(): Promise<BenchResult[]> {
  const base = mkdtempSync(path.join('/tmp', 'pwst-'));
  try {
    const ca = makeCa(base);
    const cert = issue(ca, base, 'directory');
    const run = async (tlsFiles?: Parameters<typeof startSide>[1]) => {
      const side = await startSide(mkdtempSync(path.join(base, tlsFiles ? 'tls-' : 'plain-')), tlsFiles);
      try {
        return await measure(side);
      } finally {
        await stop(side.child);
        side.agent.destroy();
      }
    };
    const plain = await run();
    const tls = await run({ ...cert, ca: ca.pem });
    const floor = await bareConnectionKiB(cert, ca.pem);
    return [
      {
        // The clients' TLS runs on the same two cores as the directory's: the ratio carries both ends.
        name: `check-in over TLS ÷ over plain HTTP, ${CLIENTS} keep-alive clients on the same machine`,
        figures: { tls: tls.checkins, plain: plain.checkins, unit: 'req/s' },
        ratio: tls.checkins / plain.checkins,
        target: '≥ 0.35',
        met: tls.checkins / plain.checkins >= 0.35,
      },
      {
        name: `event streams over TLS ÷ over plain HTTP, ${DEVICES} streams, ${TOGGLES} pushes to each`,
        figures: { tls: tls.eventsPerSecond, plain: plain.eventsPerSecond, unit: 'events/s' },
        ratio: tls.eventsPerSecond / plain.eventsPerSecond,
        // One push reaches every stream the connection cap allows (4,096) within a second.
        target: '≥ 0.25, and ≥ 4,096 events/s over TLS',
        met: tls.eventsPerSecond / plain.eventsPerSecond >= 0.25 && tls.eventsPerSecond >= 4096,
      },
      {
        name: `memory per open event stream over TLS ÷ a bare https server's per connection (${DEVICES} open)`,
        figures: { tls: tls.kibPerStream, plain: plain.kibPerStream, bareTls: floor, unit: 'KiB' },
        ratio: tls.kibPerStream / floor,
        // 4,096 streams (the connection cap) at 64 KiB each is 256 MiB.
        target: '≤ 3× and ≤ 64 KiB',
        met: tls.kibPerStream / floor <= 3 && tls.kibPerStream <= 64,
      },
    ];
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
