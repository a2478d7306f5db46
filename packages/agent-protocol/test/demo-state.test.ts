import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDemoFolder, type DemoState, readDemoState, writeDemoState } from '../src/demo-state';

let folder: string;
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function record(pid: number, fields: Partial<DemoState> = {}): DemoState {
  return { pid, startedAt: '2025-03-01T09:00:00.000Z', folder, ...fields };
}

const alive = (live: number[]) => (pid: number) => live.includes(pid);

describe("the demo's record of itself", () => {
  it('is claimed by one npm start; a second sees who has the folder and gets nothing', () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'pwds-'));
    expect(claimDemoFolder(folder, record(100), alive([100, 200]))).toEqual({ claimed: true });
    const second = claimDemoFolder(folder, record(200), alive([100, 200]));
    expect(second).toMatchObject({ claimed: false, current: { kind: 'running', demo: { pid: 100 } } });
    // Nothing of the second's is left beside it, and the file is this user's alone.
    expect(readdirSync(folder)).toEqual(['demo.json']);
    expect(statSync(path.join(folder, 'demo.json')).mode & 0o777).toBe(0o600);
  });

  it("is taken over from a demo whose process is gone, or whose record cannot be read", () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'pwds-'));
    writeDemoState(folder, record(100));
    expect(readDemoState(folder, alive([]))).toMatchObject({ kind: 'stale', demo: { pid: 100 } });
    expect(claimDemoFolder(folder, record(200), alive([200]))).toEqual({ claimed: true });
    expect(readDemoState(folder, alive([200]))).toMatchObject({ kind: 'running', demo: { pid: 200 } });
    writeFileSync(path.join(folder, 'demo.json'), '{"pid": ');
    expect(readDemoState(folder, alive([200]))).toMatchObject({ kind: 'unreadable' });
    expect(claimDemoFolder(folder, record(300), alive([200, 300]))).toEqual({ claimed: true });
  });

  it('is replaced whole when npm start adds what it learnt, and says none where there is none', () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'pwds-'));
    expect(readDemoState(folder)).toEqual({ kind: 'none', file: path.join(folder, 'demo.json') });
    claimDemoFolder(folder, record(process.pid));
    writeDemoState(folder, record(process.pid, { directory: { url: 'http://127.0.0.1:4000', scimTokenFile: '/run/x/directory.token' }, window: 'http://127.0.0.1:4001/?token=abc' }));
    expect(readDemoState(folder)).toMatchObject({ kind: 'running', demo: { directory: { url: 'http://127.0.0.1:4000' }, window: 'http://127.0.0.1:4001/?token=abc' } });
    expect(readdirSync(folder)).toEqual(['demo.json']);
    expect(statSync(path.join(folder, 'demo.json')).mode & 0o777).toBe(0o600);
  });
});
