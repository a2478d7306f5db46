import { describe, expect, it } from 'vitest';
import { ConsoleEventData, PersonPage, ROUTES, SITUATIONS, pathFor, pickSituation, roleAllows } from '@pwsync/console-contract';

const device = (platform: 'darwin' | 'linux' | 'win32', online: boolean, state: 'synced' | 'waiting' | 'failed' | 'off' = 'waiting') => ({ platform, online, state });

describe('the console contract', () => {
  it('fills and encodes a route\'s params', () => {
    expect(pathFor('person', { userName: 'ada lovelace@example.com' })).toBe('/console/api/people/ada%20lovelace%40example.com');
    expect(pathFor('accountUpdate', { accountId: 'acc_1/2' })).toBe('/console/api/accounts/acc_1%2F2');
  });

  it('keeps every route under /console, each method and path once', () => {
    const keys = Object.values(ROUTES).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of Object.values(ROUTES)) expect(route.path.startsWith('/console/')).toBe(true);
    // A change needs a session, except the two ways of getting one.
    const publicChanges = Object.entries(ROUTES).filter(([, r]) => r.role === 'public' && r.method !== 'GET').map(([n]) => n);
    expect(publicChanges).toEqual(['signInLocal']);
  });

  it('lets support look and toggle sync, and only admin do the rest', () => {
    expect(roleAllows('support', 'support')).toBe(true);
    expect(roleAllows('support', 'admin')).toBe(false);
    expect(roleAllows('admin', 'support')).toBe(true);
    const supportChanges = Object.entries(ROUTES).filter(([, r]) => r.role === 'support' && r.method !== 'GET').map(([n]) => n).sort();
    expect(supportChanges).toEqual(['deviceSync', 'personSync', 'signOut']);
  });

  it('picks the walkthrough the support guide has for the person\'s situation, with the tray app\'s keys', () => {
    expect(SITUATIONS).toEqual(['oneMacOnline', 'oneMacOffline', 'severalMacsOnline', 'severalMacsSomeOffline', 'forgotPrevious', 'windows', 'linux']);
    expect(pickSituation([])).toBeNull();
    expect(pickSituation([device('darwin', true)])).toBe('oneMacOnline');
    expect(pickSituation([device('darwin', false)])).toBe('oneMacOffline');
    expect(pickSituation([device('darwin', true), device('darwin', true)])).toBe('severalMacsOnline');
    expect(pickSituation([device('darwin', true), device('darwin', false)])).toBe('severalMacsSomeOffline');
    // The offline Mac has synced already: what is left is online.
    expect(pickSituation([device('darwin', true), device('darwin', false, 'synced')])).toBe('severalMacsOnline');
    expect(pickSituation([device('win32', false), device('linux', true)])).toBe('windows');
    expect(pickSituation([device('linux', false)])).toBe('linux');
    expect(pickSituation([device('linux', true), device('darwin', false)])).toBe('oneMacOffline');
  });

  it('reads a person\'s page and refuses one that lies about its state', () => {
    const page = {
      person: { userName: 'ada', name: 'Ada', email: 'ada@example.com', active: true, syncEnabled: true },
      pendingChange: null,
      devices: [{ deviceId: 'dev_1', deviceName: 'Ada’s Mac', platform: 'darwin', syncEnabled: true, online: true, lastCheckIn: null, enrolledAt: '2026-12-01T10:00:00.000Z', state: 'synced', result: null }],
      history: [{ kind: 'change', at: '2026-12-01T10:00:00.000Z', changeId: 'chg_1', provider: 'Okta' }],
      situation: 'oneMacOnline',
      serverTime: '2026-12-01T10:00:00.000Z',
    };
    expect(PersonPage.parse(page)).toEqual(page);
    expect(ConsoleEventData.person.safeParse({ ...page, devices: [{ ...page.devices[0], state: 'almost' }] }).success).toBe(false);
  });
});
