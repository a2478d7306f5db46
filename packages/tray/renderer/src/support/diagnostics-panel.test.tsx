import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { attentionState, pendingState } from '../../test/app-states';
import { createFakeBridge, DIAGNOSTICS } from '../../test/fake-bridge';
import { renderApp } from '../../test/render-app';

const LATER = { ...DIAGNOSTICS, supportCode: 'R8WT-2HXN', text: 'pwsync diagnostics — support code R8WT-2HXN' };

describe('the diagnostics panel', () => {
  it('shows the code of the state as it is now: when the state changes under Help, it asks for the report again', async () => {
    const bridge = createFakeBridge(pendingState());
    const { push } = await renderApp(pendingState(), bridge);
    await userEvent.click(screen.getByRole('button', { name: 'Help' }));
    expect(await screen.findByText(DIAGNOSTICS.supportCode)).toBeInTheDocument();
    bridge.getDiagnostics.mockResolvedValue(LATER);
    push(attentionState({ code: 'previousPasswordWrong', attemptsLeft: 4 }));
    expect(await screen.findByText(LATER.supportCode)).toBeInTheDocument();
    expect(screen.queryByText(DIAGNOSTICS.supportCode)).toBeNull();
    expect(bridge.getDiagnostics).toHaveBeenCalledTimes(2);
  });
});
