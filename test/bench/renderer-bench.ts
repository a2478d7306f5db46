/**
 * The renderer's figures:
 * - its JavaScript, gzip, as the window loads it: every chunk but the languages, plus
 *   the largest language chunk (English is built in; one other language is loaded when
 *   chosen), within a budget (issue 5). The total of every chunk is reported too.
 * - in Chromium, the time from loading the window to its focused field on the confirm
 *   screen (the first password field exists and has focus, so typing goes into it),
 *   beside a static HTML page with the same form as the floor, both served over
 *   127.0.0.1 and loaded alternately in the same run. Reported, not judged: the tray
 *   app loads its window hidden as soon as a change arrives (main/window.ts), so this
 *   time passes before anyone looks, and the notification's click shows a window that
 *   is ready. (The "within 2× a static page" target it once had was retired with the
 *   host-drawn first screen it had called for, issue 11.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { BUILT, makeTempDir, ROOT, startAgent, startDemoHost } from '@pwsync/testing/processes';
import { seedAccount } from '@pwsync/testing/seed';
import type { BenchResult } from './run';

const BUDGET_KB = 120;
const LOADS = 41;
const RENDERER = BUILT.renderer;

const STATIC_FORM = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pwsync</title></head><body><main>
<h1>Finish your password change</h1>
<p>You changed your password at Okta. Confirm it here so this Mac uses it too.</p>
<form><label for="new-password">New password</label>
<p id="new-password-hint">The password you just set at Okta.</p>
<input id="new-password" type="password" autocomplete="off" autofocus aria-describedby="new-password-hint">
<button type="button">Show password</button> <button type="submit">Continue</button></form>
</main></body></html>`;

function gzipKb(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length / 1024;
}

function measureSize(): BenchResult {
  const assets = readdirSync(path.join(RENDERER, 'assets')).filter((f) => f.endsWith('.js'));
  const isLanguage = (f: string) => /^(de|fr|es|pt-BR|ja|zh-CN|nl)-/.test(f);
  // The window loads every chunk but the other languages: the entry (src/main.tsx) and
  // whatever the build splits off it.
  const initial = assets.filter((f) => !isLanguage(f)).reduce((sum, f) => sum + gzipKb(path.join(RENDERER, 'assets', f)), 0);
  const largestLocale = Math.max(0, ...assets.filter(isLanguage).map((f) => gzipKb(path.join(RENDERER, 'assets', f))));
  const all = assets.reduce((sum, f) => sum + gzipKb(path.join(RENDERER, 'assets', f)), 0);
  const loaded = initial + largestLocale;
  return {
    name: 'renderer JavaScript, gzip',
    figures: { windowKB: initial, largestLanguageKB: largestLocale, loadedKB: loaded, everyChunkKB: all, unit: 'KB' },
    target: `window + one language ≤ ${BUDGET_KB} KB`,
    met: loaded <= BUDGET_KB,
  };
}

function serveStatic(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((_, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(STATIC_FORM);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, close: () => server.close() })),
  );
}

/** Milliseconds from navigation start until the first password field has focus. */
async function focusedAt(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 420, height: 600 } });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => {
      // Runs in the page; the bench is type-checked without the DOM's types.
      const page = (globalThis as unknown as { document: { getElementById(id: string): unknown; activeElement: unknown } }).document;
      const field = page.getElementById('new-password');
      return field && page.activeElement === field ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 15_000 },
  );
  const focused = (await handle.jsonValue()) as number;
  await context.close();
  return focused;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measureFocused(): Promise<BenchResult> {
  const dir = makeTempDir('pwb-');
  const stateDir = path.join(dir, 'state');
  await seedAccount(stateDir, (await import('node:os')).userInfo().username, 'bench-previous-1', 'bench-next-2');
  const agent = await startAgent(dir);
  const host = await startDemoHost(agent.socketPath);
  const plain = await serveStatic();
  // The confirm screen once the change is known: wait for that, so every load is alike.
  const token = new URL(host.url).searchParams.get('token') ?? '';
  for (let phase = ''; phase !== 'pending'; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const response = await fetch(new URL('/api/invoke/getState', host.url), { method: 'POST', headers: { 'X-Pwsync-Token': token }, body: '[]' });
    phase = ((await response.json()) as { phase: string }).phase;
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    // One of each first, unmeasured, so neither pays for the browser's own warm-up.
    await focusedAt(browser, host.url);
    await focusedAt(browser, plain.url);
    const app: number[] = [];
    const page: number[] = [];
    for (let i = 0; i < LOADS; i += 1) {
      app.push(await focusedAt(browser, host.url));
      page.push(await focusedAt(browser, plain.url));
    }
    return {
      name: 'window loaded to its focused field, confirm screen (passes while the window is still hidden)',
      figures: { appMedianMs: median(app), staticMedianMs: median(page), loadsEach: LOADS, unit: 'ms' },
      ratio: median(app) / median(page),
    };
  } finally {
    await browser.close();
    plain.close();
    await host.stop();
    await agent.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export default async function rendererBench(): Promise<BenchResult[]> {
  // Measure the renderer as the source stands; the agent and demo host are built once if missing.
  const parts = existsSync(BUILT.agent) && existsSync(BUILT.demoHost) ? ['--only=renderer'] : [];
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet', ...parts], { stdio: 'inherit' });
  return [measureSize(), await measureFocused()];
}
