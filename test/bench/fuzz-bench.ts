/**
 * The fuzz tests at full size (issue 12): 50,000 generated requests each against a
 * running directory (over TLS, as in production) and the browser demo's host, on
 * loopback, bounded in time. Judged: the process never exits, answers a valid request
 * afterwards, and (the directory) answered no request with a 500. The rate is given
 * against a floor measured in the same run: the same fuzzer against a bare node:http
 * server that answers every request with 404.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { type Directory, TOKEN, call, enrol, oktaUser, startDirectory, tempDir } from '@pwsync/testing/directory-harness';
import { demoHostFuzzTarget, directoryFuzzTarget } from '@pwsync/testing/fuzz-targets';
import { fuzz, type FuzzReport } from '@pwsync/testing/http-fuzz';
import { makeTempDir, startDemoHost } from '@pwsync/testing/processes';
import { issue, makeCa } from '@pwsync/testing/tls-fixtures';
import type { BenchResult } from './run';

const REQUESTS = Number(process.env.PWSYNC_FUZZ_REQUESTS ?? 50_000);
const DEADLINE_MS = 420_000;

async function bareFloor(): Promise<{ child: ChildProcess; port: number }> {
  const script = `const s=require('node:http').createServer((q,r)=>{q.resume();r.writeHead(404).end()});s.listen(0,'127.0.0.1',()=>console.log(s.address().port));process.on('SIGTERM',()=>process.exit(0));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve(Number(line))));
  return { child, port };
}

const summary = (r: FuzzReport) => ({ sent: r.sent, answered: r.answered, cutOff: r.cutOff, slow: r.slow, pipelined: r.pipelined, s: r.ms / 1000, '5xx': Object.entries(r.statuses).filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0) });

export default async function fuzzBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const pki = tempDir();
  let directory: Directory | undefined;
  const floor = await bareFloor();
  try {
    const ca = makeCa(pki);
    const cert = issue(ca, pki, 'directory');
    const floorReport = await fuzz({ port: floor.port, host: `127.0.0.1:${floor.port}`, paths: ['/', '/{id}'], credentials: [['X-A', 'b']], bodies: [{}] }, { requests: 10_000, seed: 3, concurrency: 32 });
    const floorRate = floorReport.sent / (floorReport.ms / 1000);
    results.push({ name: 'floor: the fuzzer against a bare node:http server answering 404', figures: { ...summary(floorReport), rate: floorRate, unit: 'req/s' } });

    directory = await startDirectory(undefined, ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--log-level', 'info']);
    const trust = { ca: ca.pem };
    const { target, secrets } = await directoryFuzzTarget(directory, trust);
    const report = await fuzz(target, { requests: REQUESTS, seed: 2026, concurrency: 32, deadlineMs: DEADLINE_MS });
    await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('after-bench@example.com'), {}, TOKEN, trust);
    const after = await enrol(directory.url, 'after-bench@example.com', 'After', 'darwin', trust);
    const checkin = await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, after.deviceToken, trust);
    const alive = directory.child.exitCode === null && directory.child.signalCode === null && checkin.status === 200;
    const leaked = secrets.filter((s) => directory!.output().includes(s)).length;
    const rate = report.sent / (report.ms / 1000);
    results.push({
      name: `fuzz: the directory over TLS, ${REQUESTS.toLocaleString('en')} generated requests`,
      figures: { ...summary(report), rate, unit: 'req/s', alive: String(alive), leakedSecrets: leaked },
      ratio: rate / floorRate,
      target: 'all sent, still running, a valid request answered, no 5xx, no secret in the output',
      met: report.sent >= REQUESTS && alive && summary(report)['5xx'] === 0 && leaked === 0,
    });

    const dir = makeTempDir('pwfb-');
    const host = await startDemoHost(path.join(dir, 'no-agent.sock'));
    try {
      const demo = demoHostFuzzTarget(host.url);
      const hostReport = await fuzz(demo.target, { requests: REQUESTS, seed: 2027, concurrency: 32, deadlineMs: DEADLINE_MS });
      const page = await fetch(host.url);
      const hostAlive = host.child.exitCode === null && host.child.signalCode === null && page.status === 200;
      const hostRate = hostReport.sent / (hostReport.ms / 1000);
      results.push({
        name: `fuzz: the demo host, ${REQUESTS.toLocaleString('en')} generated requests`,
        figures: { ...summary(hostReport), rate: hostRate, unit: 'req/s', alive: String(hostAlive) },
        ratio: hostRate / floorRate,
        target: 'all sent, still running, the page served afterwards',
        met: hostReport.sent >= REQUESTS && hostAlive,
      });
    } finally {
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    floor.child.kill('SIGTERM');
    await directory?.stop();
    for (const d of [pki, directory?.dir]) if (d) rmSync(d, { recursive: true, force: true });
  }
  return results;
}
