import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../test/fake-bridge';
import { renderApp } from '../../test/render-app';
import { pendingState } from '../../test/app-states';

describe('the browser demo opened without its token', () => {
  it('says which address to open, keeps the demo notice, and claims nothing about the app or its agent', async () => {
    const bridge = createFakeBridge(pendingState());
    bridge.getState.mockRejectedValue(new Error('forbiddenSender'));
    await renderApp(pendingState(), bridge);
    act(() => bridge.refuseAddress());
    expect(screen.getByRole('heading', { level: 1, name: 'Open the demo at the address npm start printed' })).toHaveFocus();
    expect(screen.getByText(/find the line "pwsync demo: open http:\/\/127\.0\.0\.1:…\/\?token=…"/)).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Demo mode' })).toBeInTheDocument();
    const page = document.body.textContent ?? '';
    for (const untrue of ['lost its connection', 'Restart the computer', 'agent', 'Never', 'None']) expect(page).not.toContain(untrue);
    // Status has no facts to show and Help no report to collect: the page keeps to what to do.
    for (const view of ['Status', 'Help'] as const) {
      await userEvent.click(screen.getByRole('button', { name: view }));
      expect(screen.getByRole('heading', { level: 1, name: 'Open the demo at the address npm start printed' })).toBeInTheDocument();
      expect(document.querySelector('[data-fact]')).toBeNull();
      expect(bridge.getDiagnostics).not.toHaveBeenCalled();
      await userEvent.click(screen.getByRole('button', { name: view }));
    }
  });

  it('is not taken for a lost connection when the page also loses its stream', async () => {
    const bridge = createFakeBridge(pendingState());
    await renderApp(pendingState(), bridge);
    act(() => {
      bridge.refuseAddress();
      bridge.loseConnection();
    });
    expect(document.querySelector('[data-phase]')).toHaveAttribute('data-phase', 'addressNeeded');
    expect(screen.queryByText(/lost its connection/)).toBeNull();
  });
});
