import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Events, Invokes, type PwsyncBridge } from '../contract';
import { contextBridge, fake, fakeEvent, ipcRenderer } from '../../test/main/fake-electron';
import { confirmRequest, idleState, startOverRequest } from '../../test/main/fixtures';

vi.mock('electron', () => import('../../test/main/fake-electron'));

let exposed: Map<string, unknown>;
let bridge: PwsyncBridge;

beforeAll(async () => {
  fake.reset();
  await import('./preload');
  exposed = new Map(contextBridge.exposed);
  bridge = exposed.get('pwsync') as PwsyncBridge;
});

beforeEach(() => {
  ipcRenderer.removeAllListeners();
  ipcRenderer.answer = () => undefined;
  fake.calls.length = 0;
});

describe('the preload', () => {
  it('exposes one key, pwsync, holding exactly the twelve bridge functions', () => {
    expect([...exposed.keys()]).toEqual(['pwsync']);
    expect(Object.keys(bridge).sort()).toEqual([
      'checkIn',
      'closeWindow',
      'confirmChange',
      'copyDiagnostics',
      'dismissProblem',
      'getDiagnostics',
      'getState',
      'onShowView',
      'onStateChanged',
      'openSupport',
      'simulateChange',
      'startOver',
    ]);
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('invokes the contract channels with only the call’s own arguments', async () => {
    const state = idleState();
    ipcRenderer.answer = (channel) => (channel === Invokes.getState.channel ? state : { ok: true });
    await expect(bridge.getState()).resolves.toEqual(state);
    await expect(bridge.checkIn()).resolves.toEqual({ ok: true });
    await expect(bridge.dismissProblem()).resolves.toEqual({ ok: true });
    const request = confirmRequest();
    await bridge.confirmChange(request);
    const over = startOverRequest();
    await bridge.startOver(over);
    await bridge.getDiagnostics();
    await bridge.copyDiagnostics();
    await bridge.openSupport();
    await bridge.closeWindow();
    expect(fake.called('ipcRenderer.invoke').map((c) => c.args)).toEqual([
      [Invokes.getState.channel],
      [Invokes.checkIn.channel],
      [Invokes.dismissProblem.channel],
      [Invokes.confirmChange.channel, request],
      [Invokes.startOver.channel, over],
      [Invokes.getDiagnostics.channel],
      [Invokes.copyDiagnostics.channel],
      [Invokes.openSupport.channel],
      [Invokes.closeWindow.channel],
    ]);
  });

  it.each(['forbiddenSender', 'invalidPayload', 'internal'])('rejects with the code when main answers {error: %s}', async (code) => {
    ipcRenderer.answer = () => ({ error: code });
    await expect(bridge.confirmChange(confirmRequest())).rejects.toThrow(new Error(code));
    await expect(bridge.getState()).rejects.toThrow(new Error(code));
  });

  it('rejects with internal, not Electron’s text, when the invoke itself fails', async () => {
    ipcRenderer.answer = () => {
      throw new Error("Error invoking remote method 'pwsync:get-state': boom");
    };
    await expect(bridge.getState()).rejects.toThrow(new Error('internal'));
  });

  it('passes an ordinary result through even if it has an error field among others', async () => {
    const outcome = { ok: false, problem: { code: 'lockedOut' } };
    ipcRenderer.answer = () => outcome;
    await expect(bridge.confirmChange(confirmRequest())).resolves.toEqual(outcome);
  });

  it('gives a state listener the payload only, never the IpcRendererEvent', () => {
    const listener = vi.fn();
    bridge.onStateChanged(listener);
    const state = idleState({ phase: 'pending' });
    ipcRenderer.emit(Events.stateChanged.channel, fakeEvent({ sender: ipcRenderer }), state);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([state]);
  });

  it('stops calling a listener once unsubscribed, and leaves others alone', () => {
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = bridge.onStateChanged(first);
    bridge.onStateChanged(second);
    expect(ipcRenderer.listenerCount(Events.stateChanged.channel)).toBe(2);
    stopFirst();
    expect(ipcRenderer.listenerCount(Events.stateChanged.channel)).toBe(1);
    ipcRenderer.emit(Events.stateChanged.channel, fakeEvent(), idleState());
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });
});
