/**
 * A runner that watches the process table while each program it starts is running:
 * every /proc/<pid>/cmdline and environ is searched for the test's passwords. It also
 * records which programs it saw, so a test can tell the scan really caught them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { RunRequest, RunResult, Runner } from '../../src/backends/runner';

export class ScanningRunner implements Runner {
  readonly hits: string[] = [];
  readonly seen = new Set<string>();
  private readonly needles: Buffer[];

  constructor(
    private readonly inner: Runner,
    secrets: readonly string[],
  ) {
    this.needles = secrets.map((secret) => Buffer.from(secret, 'utf8'));
  }

  async run(request: RunRequest): Promise<RunResult> {
    const running = this.inner.run(request);
    let done = false;
    void running.finally(() => (done = true)).catch(() => undefined);
    // The child exists as soon as run() returns: scan at once, then until it is gone.
    this.scan();
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      this.scan();
    }
    return running;
  }

  scan(): void {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      for (const part of ['cmdline', 'environ'] as const) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(`/proc/${pid}/${part}`);
        } catch {
          continue;
        }
        if (part === 'cmdline') this.seen.add(bytes.toString('utf8').split('\0')[0] ?? '');
        for (const needle of this.needles) if (bytes.includes(needle)) this.hits.push(`${pid}/${part}`);
      }
    }
  }
}
