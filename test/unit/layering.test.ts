import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import direction is a lint rule; these prove the rule bites where it should.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(code: string, filePath: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').length;
}

describe('the layering rule', () => {
  it('keeps electron out of the core', async () => {
    expect(await restrictedImports("import { app } from 'electron';\nexport const a = app;\n", 'electron/core/x.ts')).toBe(1);
    expect(await restrictedImports("import { app } from 'electron';\nexport const a = app;\n", 'electron/main/x.ts')).toBe(0);
  });

  it('keeps the core from depending on the shell', async () => {
    expect(await restrictedImports("import { x } from '../main/window';\nexport const a = x;\n", 'electron/core/x.ts')).toBe(1);
  });

  it('lets the tray app reach the agent only through its protocol module', async () => {
    expect(await restrictedImports("import { AgentService } from '@pwsync/agent/agent-service';\nexport const a = AgentService;\n", 'electron/core/x.ts')).toBe(1);
    expect(await restrictedImports("import { ErrorCode } from '@pwsync/agent-protocol';\nexport const a = ErrorCode;\n", 'electron/core/x.ts')).toBe(0);
    expect(await restrictedImports("import { ErrorCode } from '@pwsync/passwords';\nexport const a = ErrorCode;\n", 'electron/main/x.ts')).toBe(1);
  });

  it('lets the renderer import only types, and only from the contract', async () => {
    expect(await restrictedImports("import type { AppState } from '@pwsync/tray/contract';\nexport type A = AppState;\n", 'renderer/src/x.ts')).toBe(0);
    expect(await restrictedImports("import { Invokes } from '@pwsync/tray/contract';\nexport const a = Invokes;\n", 'renderer/src/x.ts')).toBe(1);
    expect(await restrictedImports("import { createCore } from '@pwsync/tray/core/create-core';\nexport const a = createCore;\n", 'renderer/src/x.ts')).toBe(1);
    expect(await restrictedImports("import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n", 'renderer/src/x.ts')).toBe(1);
  });

  it('keeps the agent a program of its own', async () => {
    expect(await restrictedImports("import { TrayCore } from '@pwsync/tray/core/tray-core';\nexport const a = TrayCore;\n", 'agent/src/x.ts')).toBe(1);
  });
});
