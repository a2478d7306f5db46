import { describe, expect, it, vi } from 'vitest';
import { appState } from '../../test/app-states';
import { createHttpBridge, type EventSourceLike, type HttpBridgeEnvironment } from './http-bridge';

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data = '') {
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data }));
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A tab's sessionStorage: kept across the page's loads in that tab, as the browser keeps it. */
function tabStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

function environment(search = '?token=s3cr3t-t0ken', hash = '', storage: ReturnType<typeof tabStorage> | null = tabStorage()) {
  const sources: FakeEventSource[] = [];
  const timers: (() => void)[] = [];
  const env = {
    location: { hash, pathname: '/', search },
    history: { state: null, replaceState: vi.fn() },
    storage,
    fetch: vi.fn<HttpBridgeEnvironment['fetch']>(async () => json(200, appState())),
    createEventSource: (url: string) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    setTimeout: (callback: () => void) => void timers.push(callback),
    writeClipboard: vi.fn<(text: string) => Promise<void>>(async () => undefined),
    openWindow: vi.fn<(url: string) => void>(),
  };
  return { env, sources, timers };
}

describe('the HTTP bridge', () => {
  it('reads the token from the query once and removes it from the address bar', () => {
    const { env } = environment();
    createHttpBridge(env);
    expect(env.history.replaceState).toHaveBeenCalledTimes(1);
    expect(env.history.replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('keeps the rest of the address when it removes the token', () => {
    const { env } = environment('?token=abc&view=support', '#top');
    createHttpBridge(env);
    expect(env.history.replaceState).toHaveBeenCalledWith(null, '', '/?view=support#top');
  });

  it('leaves the address bar alone when there is no token', () => {
    const { env } = environment('');
    createHttpBridge(env);
    expect(env.history.replaceState).not.toHaveBeenCalled();
  });

  it('keeps the token for a reload: the page loaded again in the same tab, at the address without it, still calls with it', async () => {
    const storage = tabStorage();
    createHttpBridge(environment('?token=s3cr3t-t0ken', '', storage).env);
    const { env: reloaded, sources } = environment('', '', storage);
    const bridge = createHttpBridge(reloaded);
    const refused = vi.fn();
    bridge.onAddressRefused?.(refused);
    await expect(bridge.getState()).resolves.toEqual(appState());
    expect(reloaded.fetch.mock.calls[0]![1].headers).toMatchObject({ 'X-Pwsync-Token': 's3cr3t-t0ken' });
    bridge.onStateChanged(vi.fn());
    expect(sources[0]!.url).toBe('/api/events?token=s3cr3t-t0ken');
    expect(refused).not.toHaveBeenCalled();
  });

  it("prefers a new address's token to the one an earlier run left in the tab", async () => {
    const storage = tabStorage();
    storage.setItem('pwsync-demo-token', 'earlier-run');
    const { env } = environment('?token=this-run', '', storage);
    await createHttpBridge(env).getState();
    expect(env.fetch.mock.calls[0]![1].headers).toMatchObject({ 'X-Pwsync-Token': 'this-run' });
    expect(storage.items.get('pwsync-demo-token')).toBe('this-run');
  });

  it('opened without a token: says the address is needed (not that a connection was lost), and sends nothing', async () => {
    const { env, sources } = environment('', '', tabStorage());
    const bridge = createHttpBridge(env);
    const lost = vi.fn();
    bridge.onConnectionLost?.(lost);
    await expect(bridge.getState()).rejects.toThrow(new Error('forbiddenSender'));
    // Told even to a listener that comes after the first call failed, as the store's does.
    const refused = vi.fn();
    bridge.onAddressRefused?.(refused);
    expect(refused).toHaveBeenCalledTimes(1);
    bridge.onStateChanged(vi.fn());
    expect(sources).toHaveLength(0);
    expect(env.fetch).not.toHaveBeenCalled();
    expect(lost).not.toHaveBeenCalled();
  });

  it("with a token the server refuses (an earlier run's): forgets it, says the address is needed, and stops asking", async () => {
    const storage = tabStorage();
    const { env, sources, timers } = environment('?token=earlier-run', '', storage);
    env.fetch.mockResolvedValue(json(403, { error: 'forbiddenSender' }));
    const bridge = createHttpBridge(env);
    const refused = vi.fn();
    bridge.onAddressRefused?.(refused);
    bridge.onStateChanged(vi.fn());
    await expect(bridge.getState()).rejects.toThrow(new Error('forbiddenSender'));
    expect(refused).toHaveBeenCalledTimes(1);
    expect(storage.items.has('pwsync-demo-token')).toBe(false);
    expect(sources[0]!.closed).toBe(true);
    // The stream's own refusal opens no new one, and later calls are not sent.
    sources[0]!.emit('error');
    expect(timers).toHaveLength(0);
    await expect(bridge.checkIn()).rejects.toThrow(new Error('forbiddenSender'));
    expect(env.fetch).toHaveBeenCalledTimes(1);
  });

  it('works without storage where the browser refuses it, until a reload', async () => {
    const { env } = environment('?token=s3cr3t-t0ken', '', null);
    await createHttpBridge(env).getState();
    expect(env.fetch.mock.calls[0]![1].headers).toMatchObject({ 'X-Pwsync-Token': 's3cr3t-t0ken' });
  });

  it('invokes by POST with the token header and the arguments as a JSON array', async () => {
    const { env } = environment();
    const bridge = createHttpBridge(env);
    await expect(bridge.getState()).resolves.toEqual(appState());
    const [url, init] = env.fetch.mock.calls[0]!;
    expect(url).toBe('/api/invoke/getState');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'Content-Type': 'application/json', 'X-Pwsync-Token': 's3cr3t-t0ken' });
    expect(init.body).toBe('[]');
  });

  it('sends confirmChange its request as the one argument', async () => {
    const { env } = environment();
    env.fetch.mockResolvedValue(json(200, { ok: false, problem: { code: 'previousPasswordWrong', attemptsLeft: 2 } }));
    const bridge = createHttpBridge(env);
    const request = { changeId: 'chg-1', newPassword: 'n', previousPassword: 'p' };
    await expect(bridge.confirmChange(request)).resolves.toEqual({
      ok: false,
      problem: { code: 'previousPasswordWrong', attemptsLeft: 2 },
    });
    expect(env.fetch.mock.calls[0]![0]).toBe('/api/invoke/confirmChange');
    expect(JSON.parse(String(env.fetch.mock.calls[0]![1].body))).toEqual([request]);
  });

  it.each(['checkIn', 'dismissProblem'] as const)('%s posts to its own name', async (name) => {
    const { env } = environment();
    env.fetch.mockResolvedValue(json(200, { ok: true }));
    const bridge = createHttpBridge(env);
    await expect(bridge[name]()).resolves.toEqual({ ok: true });
    expect(env.fetch.mock.calls[0]![0]).toBe(`/api/invoke/${name}`);
  });

  it.each(['forbiddenSender', 'invalidPayload', 'internal'] as const)(
    'surfaces the server error code %s as the error message, and only that',
    async (code) => {
      const { env } = environment();
      env.fetch.mockResolvedValue(json(code === 'forbiddenSender' ? 403 : code === 'invalidPayload' ? 400 : 500, { error: code }));
      const bridge = createHttpBridge(env);
      await expect(bridge.checkIn()).rejects.toThrow(new Error(code));
    },
  );

  it('turns an unknown or unreadable error body into internal', async () => {
    const { env } = environment();
    env.fetch.mockResolvedValueOnce(json(500, { error: 'Traceback: something secret' }));
    env.fetch.mockResolvedValueOnce(new Response('<html>', { status: 502 }));
    const bridge = createHttpBridge(env);
    await expect(bridge.checkIn()).rejects.toThrow(new Error('internal'));
    await expect(bridge.checkIn()).rejects.toThrow(new Error('internal'));
  });

  it('reports a server that cannot be reached as unreachable, and as a lost connection', async () => {
    const { env } = environment();
    env.fetch.mockRejectedValue(new TypeError('Failed to fetch http://127.0.0.1:1234/api/invoke/getState'));
    const bridge = createHttpBridge(env);
    const lost = vi.fn();
    bridge.onConnectionLost?.(lost);
    await expect(bridge.getState()).rejects.toThrow(new Error('unreachable'));
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('listens for stateChanged events on /api/events with the token', () => {
    const { env, sources } = environment();
    const bridge = createHttpBridge(env);
    const listener = vi.fn();
    bridge.onStateChanged(listener);
    expect(sources).toHaveLength(1);
    expect(sources[0]!.url).toBe('/api/events?token=s3cr3t-t0ken');
    sources[0]!.emit('stateChanged', JSON.stringify(appState({ phase: 'synced' })));
    expect(listener).toHaveBeenCalledWith(appState({ phase: 'synced' }));
  });

  it('drops a malformed event instead of failing', () => {
    const { env, sources } = environment();
    const bridge = createHttpBridge(env);
    const listener = vi.fn();
    bridge.onStateChanged(listener);
    sources[0]!.emit('stateChanged', '{not json');
    sources[0]!.emit('stateChanged', '"a string"');
    expect(listener).not.toHaveBeenCalled();
  });

  it('shares one stream between listeners and closes it when the last one stops', () => {
    const { env, sources } = environment();
    const bridge = createHttpBridge(env);
    const stopA = bridge.onStateChanged(vi.fn());
    const stopB = bridge.onStateChanged(vi.fn());
    expect(sources).toHaveLength(1);
    stopA();
    expect(sources[0]!.closed).toBe(false);
    stopB();
    expect(sources[0]!.closed).toBe(true);
  });

  it('reports a stream error as a lost connection, and asks for the state when it is back', async () => {
    const { env, sources } = environment();
    const bridge = createHttpBridge(env);
    const states = vi.fn();
    const lost = vi.fn();
    bridge.onStateChanged(states);
    bridge.onConnectionLost?.(lost);
    sources[0]!.emit('error');
    expect(lost).toHaveBeenCalledTimes(1);
    sources[0]!.emit('open');
    await vi.waitFor(() => expect(states).toHaveBeenCalledWith(appState()));
    expect(env.fetch.mock.calls[0]![0]).toBe('/api/invoke/getState');
  });

  it('opens a new stream when the browser gave up on the old one', () => {
    const { env, sources, timers } = environment();
    const bridge = createHttpBridge(env);
    bridge.onStateChanged(vi.fn());
    sources[0]!.readyState = 2;
    sources[0]!.emit('error');
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(sources).toHaveLength(2);
  });

  it('startOver and getDiagnostics post to their own names', async () => {
    const { env } = environment();
    const bridge = createHttpBridge(env);
    env.fetch.mockResolvedValueOnce(json(200, { ok: false, problem: { code: 'notAllowed' } }));
    const request = { changeId: 'chg-1', newPassword: 'n', acknowledged: true } as const;
    await expect(bridge.startOver(request)).resolves.toEqual({ ok: false, problem: { code: 'notAllowed' } });
    expect(env.fetch.mock.calls[0]![0]).toBe('/api/invoke/startOver');
    expect(JSON.parse(String(env.fetch.mock.calls[0]![1].body))).toEqual([request]);
    env.fetch.mockResolvedValueOnce(json(200, { supportCode: 'ABCD-EFGH', generatedAt: 'now', text: 'report' }));
    await expect(bridge.getDiagnostics()).resolves.toMatchObject({ supportCode: 'ABCD-EFGH' });
  });

  it('simulateChange posts to its own name with the token, and says whether the change was sent', async () => {
    const { env } = environment();
    const bridge = createHttpBridge(env);
    env.fetch.mockResolvedValueOnce(json(200, { ok: true }));
    await expect(bridge.simulateChange()).resolves.toEqual({ ok: true });
    expect(env.fetch.mock.calls[0]![0]).toBe('/api/invoke/simulateChange');
    expect(env.fetch.mock.calls[0]![1]).toMatchObject({ method: 'POST', headers: { 'X-Pwsync-Token': 's3cr3t-t0ken' }, body: '[]' });
    env.fetch.mockResolvedValueOnce(json(200, { ok: false }));
    await expect(bridge.simulateChange()).resolves.toEqual({ ok: false });
    env.fetch.mockResolvedValueOnce(json(403, { error: 'forbiddenSender' }));
    await expect(bridge.simulateChange()).rejects.toThrow(new Error('forbiddenSender'));
  });

  it('has no tray to ask for a view: onShowView never calls, and its unsubscribe is harmless', () => {
    const { env, sources } = environment();
    const bridge = createHttpBridge(env);
    const listener = vi.fn();
    const stop = bridge.onShowView(listener);
    expect(typeof stop).toBe('function');
    stop();
    expect(listener).not.toHaveBeenCalled();
    expect(sources).toHaveLength(0);
    expect(env.fetch).not.toHaveBeenCalled();
  });

  it('copies the diagnostics text itself, since the server cannot reach the clipboard', async () => {
    const { env } = environment();
    env.fetch.mockResolvedValue(json(200, { supportCode: 'ABCD-EFGH', generatedAt: 'now', text: 'the report' }));
    const bridge = createHttpBridge(env);
    await expect(bridge.copyDiagnostics()).resolves.toEqual({ ok: true });
    expect(env.writeClipboard).toHaveBeenCalledWith('the report');
    expect(env.fetch.mock.calls[0]![0]).toBe('/api/invoke/getDiagnostics');
  });

  it('says the copy failed when the clipboard refuses', async () => {
    const { env } = environment();
    env.fetch.mockResolvedValue(json(200, { supportCode: 'ABCD-EFGH', generatedAt: 'now', text: 'the report' }));
    env.writeClipboard.mockRejectedValue(new Error('denied'));
    await expect(createHttpBridge(env).copyDiagnostics()).resolves.toEqual({ ok: false });
  });

  it('opens the support address from policy in a new tab, https only', async () => {
    const { env } = environment();
    const bridge = createHttpBridge(env);
    env.fetch.mockResolvedValueOnce(json(200, appState()));
    await expect(bridge.openSupport()).resolves.toEqual({ ok: true });
    expect(env.openWindow).toHaveBeenCalledWith('https://support.example.com/pwsync');
    for (const supportUrl of ['http://support.example.com', 'javascript:alert(1)', null]) {
      env.fetch.mockResolvedValueOnce(json(200, appState({ policy: { ...appState().policy, supportUrl } })));
      await bridge.getState();
      await expect(bridge.openSupport()).resolves.toEqual({ ok: false });
    }
    expect(env.openWindow).toHaveBeenCalledTimes(1);
  });

  it('asks the server to close the window, which cannot hide a tab but lets a result the person has seen give way', async () => {
    const { env } = environment();
    env.fetch.mockResolvedValue(json(200, { ok: false }));
    await expect(createHttpBridge(env).closeWindow()).resolves.toEqual({ ok: false });
    expect(env.fetch.mock.calls.map((call) => call[0])).toEqual(['/api/invoke/closeWindow']);
  });
});
