import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT, makeTempDir } from '@pwsync/testing/processes';
import type { AppState } from '../contract';
import { pending } from '../../test/core/states';
import { firstPaintFileFor, firstPaintOnDemand, languagesFromAcceptLanguage, loadFirstPaint, pageWithFirstPaint } from './first-paint';
import type { Logger } from '@pwsync/node-kit/log';

const dir = makeTempDir('pwf-');
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: object) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe("the hosts' first paint", () => {
  it('finds the built module beside the renderer, and draws the confirm screen with it', async () => {
    const file = firstPaintFileFor(BUILT.renderer);
    expect(file).toBe(path.join(BUILT.trayDist, 'first-paint/first-paint.cjs'));
    const draw = loadFirstPaint(file, recorder())!;
    const template = await fs.readFile(path.join(BUILT.renderer, 'index.html'), 'utf8');
    const state = pending('chg-1');
    const page = pageWithFirstPaint(template, state, ['nl-NL'], draw, recorder());
    expect(page).toContain('<html lang="nl" dir="ltr">');
    expect(page).toMatch(/<input[^>]*id="new-password"/);
    // Everything the page loads is still there, unchanged.
    for (const asset of template.match(/\.\/assets\/[^"]+/g)!) expect(page).toContain(asset);
  });

  it('does without a missing or unexpected module: the window then draws itself', async () => {
    const log = recorder();
    expect(loadFirstPaint(path.join(dir, 'missing.cjs'), log)).toBeNull();
    const other = path.join(dir, 'other.cjs');
    await fs.writeFile(other, 'module.exports = { firstPaintPage: 42 };');
    expect(loadFirstPaint(other, log)).toBeNull();
    expect(log.lines).toHaveLength(2);
    expect(log.lines.every((line) => line.startsWith('warn '))).toBe(true);
    expect(pageWithFirstPaint('<p>plain</p>', {} as AppState, [], null, log)).toBe('<p>plain</p>');
    expect(pageWithFirstPaint('<p>plain</p>', {} as AppState, [], () => null, log)).toBe('<p>plain</p>');
  });

  it('loads the module on the first page asked for, not before, and looks for it once', async () => {
    const log = recorder();
    const draw = firstPaintOnDemand(path.join(dir, 'not-built.cjs'), log);
    expect(log.lines).toEqual([]);
    expect(draw('<p>plain</p>', pending(), ['en'])).toBeNull();
    expect(draw('<p>plain</p>', pending(), ['en'])).toBeNull();
    expect(log.lines).toHaveLength(1);
    const built = firstPaintOnDemand(firstPaintFileFor(BUILT.renderer), log);
    const template = await fs.readFile(path.join(BUILT.renderer, 'index.html'), 'utf8');
    expect(built(template, pending(), ['en'])).toMatch(/<input[^>]*id="new-password"/);
  });

  it('reads Accept-Language in order of preference, dropping what is refused or malformed', () => {
    expect(languagesFromAcceptLanguage('en;q=0.5, de-CH, fr;q=0.9, *;q=0.1, ja;q=0')).toEqual(['de-CH', 'fr', 'en']);
    expect(languagesFromAcceptLanguage(undefined)).toEqual([]);
    expect(languagesFromAcceptLanguage('"><script>, pt-BR')).toEqual(['pt-BR']);
  });
});
