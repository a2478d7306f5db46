import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Events, Invokes } from '../contract';
import type { TrayCore } from '../core/tray-core';
import { coreHandlers, type InvokeHandlers, registerInvokes, sendState } from './ipc';
import { fake, FakeWebContents, ipcMain } from '../../test/main/fake-electron';
import { confirmRequest, idleState, invokeEvent, SECRET_NEW, SECRET_PREVIOUS, startOverRequest } from '../../test/main/fixtures';
import { type RecordingLogger, recordingLogger } from '@pwsync/testing/recording-logger';

vi.mock('electron', () => import('../../test/main/fake-electron'));

const synced = {
  ok: true as const,
  result: { changeId: 'chg_1', outcome: 'synced' as const, finishedAt: '2025-01-01T00:00:00.000Z', completedSteps: [], failedStep: null, errorCode: null },
};

const report = { supportCode: 'ABCD-EF23', generatedAt: '2025-01-01T00:00:00.000Z', text: 'pwsync diagnostics' };

let ours: FakeWebContents;
let handlers: { [K in keyof InvokeHandlers]: ReturnType<typeof vi.fn> };
let log: RecordingLogger;

function call(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
  const handler = ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler(event, ...args);
}

beforeEach(() => {
  fake.reset();
  ours = new FakeWebContents();
  log = recordingLogger();
  handlers = {
    getState: vi.fn(() => idleState()),
    confirmChange: vi.fn(async () => synced),
    checkIn: vi.fn(async () => ({ ok: true })),
    dismissProblem: vi.fn(() => ({ ok: false })),
    startOver: vi.fn(async () => synced),
    getDiagnostics: vi.fn(async () => report),
    copyDiagnostics: vi.fn(async () => ({ ok: true })),
    openSupport: vi.fn(async () => ({ ok: false })),
    closeWindow: vi.fn(() => ({ ok: true })),
    simulateChange: vi.fn(async () => ({ ok: true })),
  };
  registerInvokes(ipcMain, handlers as unknown as InvokeHandlers, (sender) => sender === (ours as unknown), log);
});

describe('registerInvokes', () => {
  it('registers exactly the contract channels', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(Invokes).map((i) => i.channel).sort());
  });

  it('answers a good call from our window with the core result', async () => {
    const request = confirmRequest();
    await expect(call(Invokes.confirmChange.channel, invokeEvent(ours), request)).resolves.toEqual(synced);
    expect(handlers.confirmChange).toHaveBeenCalledWith(request);
    await expect(call(Invokes.getState.channel, invokeEvent(ours))).resolves.toEqual(idleState());
    await expect(call(Invokes.checkIn.channel, invokeEvent(ours))).resolves.toEqual({ ok: true });
    await expect(call(Invokes.dismissProblem.channel, invokeEvent(ours))).resolves.toEqual({ ok: false });
  });

  const forged: Array<[string, () => unknown]> = [
    ['another webContents', () => invokeEvent(new FakeWebContents())],
    ['a sub-frame of our window', () => invokeEvent(ours, 'app://pwsync/index.html', { url: 'app://pwsync/index.html', parent: null })],
    ['a page from http://evil.example', () => invokeEvent(ours, 'http://evil.example/index.html')],
    ['a look-alike host', () => invokeEvent(ours, 'app://pwsync.evil.example/index.html')],
    ['credentials in the URL', () => invokeEvent(ours, 'app://evil@pwsync/index.html')],
    ['a file: page', () => invokeEvent(ours, 'file:///tmp/index.html')],
    ['an empty URL', () => invokeEvent(ours, '')],
    ['no senderFrame (the frame is gone)', () => ({ sender: ours, senderFrame: null })],
  ];

  it.each(forged)('refuses %s on every channel, without calling the core', async (_name, event) => {
    for (const { channel } of Object.values(Invokes)) {
      const args = channel === Invokes.confirmChange.channel ? [confirmRequest()] : channel === Invokes.startOver.channel ? [startOverRequest()] : [];
      await expect(call(channel, event(), ...args)).resolves.toEqual({ error: 'forbiddenSender' });
    }
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
  });

  const malformed: Array<[string, unknown[]]> = [
    ['wrong types', [{ changeId: 42, newPassword: true, previousPassword: null }]],
    ['an extra key', [{ ...confirmRequest(), keepForLater: true }]],
    ['too many arguments', [confirmRequest(), confirmRequest()]],
    ['no argument', []],
    ['a 10 KB password', [confirmRequest({ newPassword: 'x'.repeat(10 * 1024) })]],
    ['an empty password', [confirmRequest({ previousPassword: '' })]],
    ['a bad change id', [confirmRequest({ changeId: '../../etc/passwd' })]],
    ['a string instead of an object', ['{"changeId":"chg_1"}']],
  ];

  it.each(malformed)('refuses a confirmChange with %s, without calling the core', async (_name, args) => {
    await expect(call(Invokes.confirmChange.channel, invokeEvent(ours), ...args)).resolves.toEqual({ error: 'invalidPayload' });
    expect(handlers.confirmChange).not.toHaveBeenCalled();
  });

  it.each<[string, unknown[]]>([
    ['acknowledged false', [startOverRequest({ acknowledged: false as never })]],
    ['a previous password slipped in', [{ ...startOverRequest(), previousPassword: SECRET_PREVIOUS }]],
    ['no argument', []],
  ])('refuses a startOver with %s, without calling the core', async (_name, args) => {
    await expect(call(Invokes.startOver.channel, invokeEvent(ours), ...args)).resolves.toEqual({ error: 'invalidPayload' });
    expect(handlers.startOver).not.toHaveBeenCalled();
  });

  it('refuses arguments to calls that take none', async () => {
    await expect(call(Invokes.getState.channel, invokeEvent(ours), 'surprise')).resolves.toEqual({ error: 'invalidPayload' });
    await expect(call(Invokes.checkIn.channel, invokeEvent(ours), undefined)).resolves.toEqual({ error: 'invalidPayload' });
    expect(handlers.getState).not.toHaveBeenCalled();
    expect(handlers.checkIn).not.toHaveBeenCalled();
    for (const name of ['getDiagnostics', 'copyDiagnostics', 'openSupport', 'closeWindow'] as const) {
      await expect(call(Invokes[name].channel, invokeEvent(ours), {})).resolves.toEqual({ error: 'invalidPayload' });
      expect(handlers[name]).not.toHaveBeenCalled();
    }
  });

  it('does not log the passwords of a refused payload', async () => {
    await call(Invokes.confirmChange.channel, invokeEvent(ours), { ...confirmRequest(), extra: 1 });
    expect(log.entries).toHaveLength(1);
    expect(log.text()).not.toContain(SECRET_NEW);
    expect(log.text()).not.toContain(SECRET_PREVIOUS);
  });

  it('turns an exception in the core into {error:"internal"} and logs its name only', async () => {
    handlers.confirmChange.mockRejectedValueOnce(new TypeError(`could not use ${SECRET_NEW} with ${SECRET_PREVIOUS}`));
    const answer = await call(Invokes.confirmChange.channel, invokeEvent(ours), confirmRequest());
    expect(answer).toEqual({ error: 'internal' });
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ level: 'error', fields: { error: 'TypeError', channel: Invokes.confirmChange.channel } });
    expect(log.text()).not.toContain(SECRET_NEW);
    expect(log.text()).not.toContain(SECRET_PREVIOUS);
  });

  it('refuses a core result that breaks the contract, as internal', async () => {
    handlers.getState.mockReturnValueOnce({ ...idleState(), password: SECRET_NEW });
    await expect(call(Invokes.getState.channel, invokeEvent(ours))).resolves.toEqual({ error: 'internal' });
    expect(log.text()).not.toContain(SECRET_NEW);
  });
});

describe('coreHandlers', () => {
  function routed() {
    const core = {
      getState: vi.fn(() => idleState()),
      confirmChange: vi.fn(async () => synced),
      startOver: vi.fn(async () => synced),
      checkIn: vi.fn(async () => ({ ok: true })),
      dismissProblem: vi.fn(() => ({ ok: true })),
      diagnostics: vi.fn(async () => report),
      resultSeen: vi.fn(),
    };
    const shell = { copyText: vi.fn(), openSupport: vi.fn(async () => ({ ok: true })), hideWindow: vi.fn() };
    return { core, shell, handlers: coreHandlers(core as unknown as TrayCore, shell) };
  }

  it('routes each contract call to the core method that answers it', async () => {
    const { core, handlers: h } = routed();
    const request = confirmRequest();
    expect(await h.confirmChange(request)).toEqual(synced);
    expect(core.confirmChange).toHaveBeenCalledWith(request);
    const over = startOverRequest();
    expect(await h.startOver(over)).toEqual(synced);
    expect(core.startOver).toHaveBeenCalledWith(over);
    h.getState();
    await h.checkIn();
    h.dismissProblem();
    expect(await h.getDiagnostics()).toEqual(report);
    h.closeWindow();
    for (const method of Object.values(core)) expect(method).toHaveBeenCalledTimes(1);
  });

  it('copies the diagnostics text, and only that, to the clipboard', async () => {
    const { core, shell, handlers: h } = routed();
    expect(await h.copyDiagnostics()).toEqual({ ok: true });
    expect(core.diagnostics).toHaveBeenCalledTimes(1);
    expect(shell.copyText.mock.calls).toEqual([[report.text]]);
  });

  it('opens support through the shell and hides the window on closeWindow', async () => {
    const { shell, handlers: h } = routed();
    expect(await h.openSupport()).toEqual({ ok: true });
    expect(shell.openSupport).toHaveBeenCalledTimes(1);
    expect(h.closeWindow()).toEqual({ ok: true });
    expect(shell.hideWindow).toHaveBeenCalledTimes(1);
  });

  it('lets a result the person has seen give way on closeWindow, also where the host cannot hide its window (the browser demo)', () => {
    const core = { resultSeen: vi.fn() };
    const handlers = coreHandlers(core as unknown as TrayCore, {});
    expect(handlers.closeWindow()).toEqual({ ok: false });
    expect(core.resultSeen).toHaveBeenCalledTimes(1);
  });
});

describe('sendState', () => {
  it('pushes the state on the contract channel', () => {
    sendState(ours, idleState());
    expect(ours.sent).toEqual([{ channel: Events.stateChanged.channel, args: [idleState()] }]);
  });

  it('does nothing once the window is gone', () => {
    ours.destroyed = true;
    sendState(ours, idleState());
    expect(fake.called('webContents.send')).toEqual([]);
  });
});
