import { describe, expect, it } from 'vitest';
import { appState, attentionState, CHANGE, pendingState } from '../../test/app-states';
import { createFakeBridge } from '../../test/fake-bridge';
import { resetStore, useAppStore } from './app-store';
import { connectBridge } from './connect-bridge';
import { selectWindowState } from './window-state';

const store = () => useAppStore.getState();
const shown = () => selectWindowState(store());
const shownProblem = () => {
  const state = shown();
  return state.phase === 'attention' ? state.problem : null;
};

describe('the store', () => {
  it('starts connecting, with nothing known', () => {
    expect(shown()).toEqual({ phase: 'connecting' });
  });

  it('shows a lost page connection as unreachable until the next state', () => {
    store().stateReceived(appState());
    store().appConnectionLost();
    expect(shown()).toEqual({ phase: 'unreachable', reason: 'appConnectionLost' });
    expect(store().appState).toEqual(appState());
    store().stateReceived(appState());
    expect(shown()).toBe(store().appState);
    expect(shown().phase).toBe('idle');
  });

  it('shows a problem confirmChange answered before the state push says so', () => {
    store().stateReceived(pendingState());
    store().confirmSubmitted();
    store().confirmAnswered({ ok: false, problem: { code: 'lockedOut', retryAfterSeconds: 60 } });
    expect(shown()).toEqual({ phase: 'attention', problem: { code: 'lockedOut', retryAfterSeconds: 60 }, change: CHANGE });
    // A late push from before the answer does not hide it…
    store().stateReceived(pendingState({ phase: 'confirming' }));
    expect(shownProblem()).toEqual({ code: 'lockedOut', retryAfterSeconds: 60 });
    // …and the push that says the same replaces it.
    store().stateReceived(attentionState({ code: 'lockedOut', retryAfterSeconds: 59 }));
    expect(shownProblem()).toEqual({ code: 'lockedOut', retryAfterSeconds: 59 });
    expect(store().answered).toBeNull();
  });

  it('lets any newer state replace an uncertain outcome', () => {
    store().stateReceived(pendingState());
    store().confirmCallFailed({ code: 'outcomeUnknown' }, true);
    expect(shown().phase).toBe('attention');
    store().stateReceived(pendingState({ phase: 'confirming' }));
    expect(shown().phase).toBe('confirming');
  });

  it('goes back to the first step when the change is no longer pending', () => {
    store().stateReceived(pendingState());
    store().newPasswordEntered();
    expect(store().confirmStep).toBe('previous');
    store().stateReceived(pendingState({ phase: 'confirming' }));
    expect(store().confirmStep).toBe('new');
  });

  it('resets to a fresh start', () => {
    store().stateReceived(appState());
    store().newPasswordEntered();
    resetStore();
    expect(store().appState).toBeNull();
    expect(store().confirmStep).toBe('new');
    expect(typeof store().stateReceived).toBe('function');
  });

  it('draws the app\'s state as it comes, an unknown outcome included: the core decides, not the page', () => {
    const checking = attentionState({ code: 'outcomeUnknown' }, { agent: null });
    store().stateReceived(checking);
    expect(shown()).toBe(checking);
    const away = appState({ phase: 'unreachable', reason: 'notRunning', agent: null });
    store().stateReceived(away);
    expect(shown()).toBe(away);
  });

  it('shows the view the tray asks for, until the bridge is disconnected', () => {
    const bridge = createFakeBridge(appState());
    const disconnect = connectBridge(bridge);
    expect(store().view).toBe('main');
    bridge.showView('support');
    expect(store().view).toBe('support');
    bridge.showView('status');
    expect(store().view).toBe('status');
    bridge.showView('main');
    expect(store().view).toBe('main');
    disconnect();
    bridge.showView('support');
    expect(store().view).toBe('main');
  });
});
