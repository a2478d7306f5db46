import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import rules are lint rules (eslint.config.js, docs/architecture.md). Each case
// plants an import in a file of one package or layer, as a change would, and lints it
// with the project's own configuration: the forbidden ones must fail lint, their
// allowed neighbours must not, so a rule that stopped biting is noticed here.
const eslint = new ESLint({ cwd: process.cwd() });

// The architecture's rules; whether a package declares what it imports is checked apart.
const ARCHITECTURE = ['boundaries/dependencies', 'boundaries/no-unknown-files', '@typescript-eslint/no-restricted-imports'];

/** The errors of these rules that lint reports for `code` placed at `filePath`. */
async function refusals(filePath: string, code: string, rules: readonly string[] = ARCHITECTURE): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId !== null && rules.includes(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
}

/** The same, for a file really planted in that folder for the time of the lint (eslint-plugin-n reads the disk). */
async function plantedRefusals(folder: string, code: string, rules: readonly string[]): Promise<string[]> {
  const created = !existsSync(folder);
  const file = path.join(folder, `planted-${randomBytes(4).toString('hex')}.ts`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, code);
  try {
    const [result] = await eslint.lintFiles([file]);
    return result!.messages.filter((m) => m.ruleId !== null && rules.includes(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
  } finally {
    rmSync(created ? folder : file, { recursive: true, force: true });
  }
}

const use = (statement: string, name: string) => `${statement}\nexport const used = ${name};\n`;

describe('the import rules', () => {
  it('keep the tray app away from the agent\'s internals: it reaches the agent only through the protocol', async () => {
    for (const layer of ['core', 'main', 'doctor']) {
      expect(await refusals(`packages/tray/src/${layer}/x.ts`, use("import { AgentService } from '@pwsync/agent/agent-service';", 'AgentService'))).toHaveLength(1);
      expect(await refusals(`packages/tray/src/${layer}/x.ts`, use("import { ErrorCode } from '@pwsync/agent-protocol';", 'ErrorCode'))).toEqual([]);
    }
    expect(await refusals('packages/tray/src/core/x.ts', use("import { verifyPassword } from '@pwsync/passwords';", 'verifyPassword'))).toHaveLength(1);
    expect(await refusals('packages/tray/src/core/x.ts', use("import { DirectoryClient } from '@pwsync/agent/directory-client';", 'DirectoryClient'))).toHaveLength(1);
  });

  it('keep the directory away from the agent\'s internals and the tray app: it shares only the device API, passwords and the kit', async () => {
    expect(await refusals('packages/directory/src/x.ts', use("import { UserState } from '@pwsync/agent/user-state';", 'UserState'))).toHaveLength(1);
    expect(await refusals('packages/directory/src/x.ts', use("import { ErrorCode } from '@pwsync/agent-protocol';", 'ErrorCode'))).toHaveLength(1);
    expect(await refusals('packages/directory/src/x.ts', use("import { TrayCore } from '@pwsync/tray/core/tray-core';", 'TrayCore'))).toHaveLength(1);
    expect(await refusals('packages/directory/src/x.ts', use("import { CheckinAnswer } from '@pwsync/device-api';", 'CheckinAnswer'))).toEqual([]);
    expect(await refusals('packages/directory/src/x.ts', use("import { sha512Crypt } from '@pwsync/passwords';", 'sha512Crypt'))).toEqual([]);
  });

  it('keep the agent a program of its own', async () => {
    expect(await refusals('packages/agent/src/x.ts', use("import { TrayCore } from '@pwsync/tray/core/tray-core';", 'TrayCore'))).toHaveLength(1);
    expect(await refusals('packages/agent/src/x.ts', use("import { openStore } from '@pwsync/directory/store';", 'openStore'))).toHaveLength(1);
    expect(await refusals('packages/agent/src/x.ts', use("import { CheckinAnswer } from '@pwsync/device-api';", 'CheckinAnswer'))).toEqual([]);
  });

  it('keep every product away from the demo and the test kit', async () => {
    for (const file of ['packages/tray/src/main/x.ts', 'packages/tray/src/core/x.ts', 'packages/agent/src/x.ts', 'packages/directory/src/x.ts']) {
      expect(await refusals(file, use("import { startDemoStack } from '@pwsync/demo/stack';", 'startDemoStack'))).toHaveLength(1);
      expect(await refusals(file, use("import { makeTempDir } from '@pwsync/testing/processes';", 'makeTempDir'))).toHaveLength(1);
    }
    // The shared packages too: they are shipped inside every program.
    expect(await refusals('packages/agent-protocol/src/x.ts', use("import { startDemoStack } from '@pwsync/demo/stack';", 'startDemoStack'))).toHaveLength(1);
    // Tests may use the test kit.
    expect(await refusals('packages/agent/test/x.test.ts', use("import { makeTempDir } from '@pwsync/testing/processes';", 'makeTempDir'))).toEqual([]);
  });

  it('keep electron out of everything but the shell', async () => {
    const electron = use("import { app } from 'electron';", 'app');
    for (const file of ['packages/tray/src/core/x.ts', 'packages/tray/src/doctor/x.ts', 'packages/tray/src/contract.ts', 'packages/agent/src/x.ts', 'packages/demo/src/web/x.ts']) {
      expect(await refusals(file, electron), file).not.toEqual([]);
    }
    expect(await refusals('packages/tray/src/main/x.ts', electron)).toEqual([]);
    expect(await refusals('packages/tray/src/preload/x.ts', electron)).toEqual([]);
  });

  it('keep the core from depending on the shell', async () => {
    expect(await refusals('packages/tray/src/core/x.ts', use("import { createAppWindow } from '../main/window';", 'createAppWindow'))).toHaveLength(1);
    expect(await refusals('packages/tray/src/core/x.ts', use("import { buildWebPreferences } from '../main/web-preferences';", 'buildWebPreferences'))).toHaveLength(1);
  });

  it('let the renderer import only types, only from the contract and the protocol, and nothing of the main process', async () => {
    expect(await refusals('packages/tray/renderer/src/x.ts', "import type { AppState } from '../../src/contract';\nexport type A = AppState;\n")).toEqual([]);
    expect(await refusals('packages/tray/renderer/src/x.ts', use("import { Invokes } from '../../src/contract';", 'Invokes'))).not.toEqual([]);
    expect(await refusals('packages/tray/renderer/src/x.ts', use("import { createAppWindow } from '../../src/main/window';", 'createAppWindow'))).not.toEqual([]);
    expect(await refusals('packages/tray/renderer/src/x.ts', use("import { TrayCore } from '../../src/core/tray-core';", 'TrayCore'))).not.toEqual([]);
    expect(await refusals('packages/tray/renderer/src/x.ts', use("import { ipcRenderer } from 'electron';", 'ipcRenderer'))).not.toEqual([]);
    expect(await refusals('packages/tray/renderer/src/x.ts', use("import fs from 'node:fs';", 'fs'))).not.toEqual([]);
  });

  it('cover every folder: a file outside every known package or layer fails lint', async () => {
    expect(await refusals('packages/newthing/src/x.ts', 'export const a = 1;\n')).not.toEqual([]);
    expect(await refusals('packages/tray/src/other/x.ts', 'export const a = 1;\n')).not.toEqual([]);
    expect(await refusals('misc/x.ts', 'export const a = 1;\n')).not.toEqual([]);
  });

  it('make each package declare what it imports', async () => {
    const declared = ['n/no-extraneous-import'];
    const sqlite = use("import Database from 'better-sqlite3';", 'Database');
    expect(await plantedRefusals('packages/tray/src/core', sqlite, declared)).toHaveLength(1);
    expect(await plantedRefusals('packages/agent/src', sqlite, declared)).toHaveLength(1);
    expect(await plantedRefusals('packages/directory/src', sqlite, declared)).toEqual([]);
    // (Workspace packages resolve to their folders, not node_modules, so eslint-plugin-n
    // leaves them alone: the allowlist above is what stops those.)
  });
});
