import { describe, expect, it } from 'vitest';
import { english } from 'virtual:tray-words';
import { pickSituations, walkthroughText, withProvider } from './pick-situations';

const mac = (online: boolean) => ({ platform: 'darwin' as const, online });

describe('the walkthrough for a person\'s situation', () => {
  it('picks from the Macs\' connection, and adds Windows and Linux', () => {
    expect(pickSituations([])).toEqual([]);
    expect(pickSituations([mac(true)])).toEqual(['oneMacOnline']);
    expect(pickSituations([mac(false)])).toEqual(['oneMacOffline']);
    expect(pickSituations([mac(true), mac(true)])).toEqual(['severalMacsOnline']);
    expect(pickSituations([mac(true), mac(false)])).toEqual(['severalMacsSomeOffline']);
    expect(pickSituations([{ platform: 'win32', online: false }])).toEqual(['windows']);
    expect(pickSituations([{ platform: 'linux', online: true }, mac(false), { platform: 'win32', online: true }])).toEqual(['oneMacOffline', 'windows', 'linux']);
  });

  it('names the provider and copies as numbered steps', () => {
    const walkthrough = withProvider(english.situations.windows, 'Okta');
    expect(walkthrough.steps[0]).toBe('Change your password at Okta.');
    const text = walkthroughText(walkthrough);
    expect(text.split('\n').slice(0, 3)).toEqual(['Windows', '', 'On Windows you don\'t need to type anything into pwsync.']);
    expect(text).toContain('\n1. Change your password at Okta.\n2. Keep the computer switched on and connected.');
    expect(text).not.toMatch(/\{\{|\$t\(/);
  });
});
