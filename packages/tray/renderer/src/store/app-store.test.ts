import { describe, expect, it } from 'vitest';
import { appState, attentionState, pendingState } from '../../test/app-states';
import { createFakeBridge } from '../../test/fake-bridge';
import { resetStore, useAppStore } from './app-store';
import { connectBridge } from './connect-bridge';
import { selectPhase, selectProblem, selectUnreachable } from './selectors';

const store = () => useAppStore.getState();

describe('the store', () => {
  it('starts connecting, with nothing known', () => {
    expect(selectPhase(store())).toBe('connecting');
    expect(selectProblem(store())).toBeNull();
  });

  it('shows a lost page connection as unreachable until the next state', () => {
    store().stateReceived(appState());
    store().appConnectionLost();
    expect(selectPhase(store())).toBe('unreachable');
    expect(selectUnreachable(store())).toBe('appConnectionLost');
    expect(store().appState).toEqual(appState());
    store().stateReceived(appState());
    expect(selectPhase(store())).toBe('idle');
  });

  it('shows a problem confirmChange answered before the state push says so', () => {
    store().stateReceived(pendingState());
    store().confirmSubmitted();
    store().confirmAnswered({ ok: false, problem: { code: 'lockedOut', retryAfterSeconds: 60 } });
    expect(selectPhase(store())).toBe('attention');
    // A late push from before the answer does not hide it…
    store().stateReceived(pendingState({ phase: 'confirming' }));
    expect(selectProblem(store())).toEqual({ code: 'lockedOut', retryAfterSeconds: 60 });
    // …and the push that says the same replaces it.
    store().stateReceived(attentionState({ code: 'lockedOut', retryAfterSeconds: 59 }));
    expect(selectProblem(store())).toEqual({ code: 'lockedOut', retryAfterSeconds: 59 });
    expect(store().answeredProblem).toBeNull();
  });

  it('lets any newer state replace an uncertain outcome', () => {
    store().stateReceived(pendingState());
    store().confirmCallFailed({ code: 'outcomeUnknown' }, true);
    expect(selectPhase(store())).toBe('attention');
    store().stateReceived(pendingState({ phase: 'confirming' }));
    expect(selectPhase(store())).toBe('confirming');
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

  it('never turns an unknown outcome into "not running" when the agent stays away', () => {
    store().stateReceived(attentionState({ code: 'outcomeUnknown' }));
    store().stateReceived(attentionState({ code: 'outcomeUnknown' }, { phase: 'unreachable', unreachable: 'notRunning', agent: null }));
    expect(selectPhase(store())).toBe('attention');
    expect(selectProblem(store())).toEqual({ code: 'outcomeUnknown' });
    store().stateReceived(appState({ phase: 'unreachable', unreachable: 'notRunning', agent: null }));
    expect(selectPhase(store())).toBe('unreachable');
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
