import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { protocolJsonSchemas } from '../src/json-schemas';
import { ErrorCode, Methods, Notifications, StepState, SyncProgress } from '../src';

const published = JSON.parse(readFileSync('docs/protocol/schemas.json', 'utf8')) as {
  methods: Record<string, { params: unknown; result: unknown }>;
  notifications: Record<string, { params: unknown }>;
  errors: Record<string, { data: unknown }>;
};
const doc = readFileSync('docs/agent-protocol.md', 'utf8');

/** Every object schema inside a JSON Schema, with where it is. */
function objects(schema: unknown, at: string): Array<{ at: string; node: Record<string, unknown> }> {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const found = node.type === 'object' ? [{ at, node }] : [];
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) value.forEach((item, i) => found.push(...objects(item, `${at}.${key}[${i}]`)));
    else found.push(...objects(value, `${at}.${key}`));
  }
  return found;
}

describe('the published protocol', () => {
  it('docs/protocol/schemas.json is what the code validates with (run `npm run docs:protocol` after a change)', () => {
    expect(published).toEqual(JSON.parse(JSON.stringify(protocolJsonSchemas())));
  });

  it('error codes are unique', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('says params are strict at every depth, and results, pushes and error data open', () => {
    const strict = Object.entries(published.methods).flatMap(([name, m]) => objects(m.params, `${name}.params`));
    const open = [
      ...Object.entries(published.methods).flatMap(([name, m]) => objects(m.result, `${name}.result`)),
      ...Object.entries(published.notifications).flatMap(([name, n]) => objects(n.params, `${name}.params`)),
      ...Object.entries(published.errors).flatMap(([name, e]) => objects(e.data, `${name}.data`)),
    ];
    expect(strict.length).toBeGreaterThan(5);
    expect(open.length).toBeGreaterThan(20);
    for (const { at, node } of strict) expect(node.additionalProperties, at).toBe(false);
    for (const { at, node } of open) expect(node.additionalProperties, at).toBeUndefined();
  });

  it('validates as the agent and the app do: a result or push with a newer field passes, params with an unknown field do not', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const status = ajv.compile(published.methods.status!.result as object);
    const sample = {
      user: 'alex', backend: 'sandbox', directory: { state: 'none', lastCheckIn: null, account: 'unknown', syncEnabled: true, addedLater: 1 },
      pendingChange: null, sync: { running: false, changeId: null, step: null }, lastResult: null,
      attempts: { left: 5, lockedUntil: null }, policy: { newKeychainAllowed: false }, addedLater: 'x',
    };
    expect(status(sample), JSON.stringify(status.errors)).toBe(true);
    expect(Methods.status.result.safeParse(sample).success).toBe(true);
    const progress = ajv.compile(published.notifications.syncProgress!.params as object);
    expect(progress({ changeId: 'c1', step: 'account', state: 'done', addedLater: true })).toBe(true);
    const confirm = ajv.compile(published.methods.confirmChange!.params as object);
    const params = { changeId: 'c1', newPassword: 'a', previousPassword: 'b' };
    expect(confirm(params)).toBe(true);
    expect(confirm({ ...params, extra: 1 })).toBe(false);
    expect(Methods.confirmChange.params.safeParse({ ...params, extra: 1 }).success).toBe(false);
    const initialize = ajv.compile(published.methods.initialize!.params as object);
    expect(initialize({ protocolVersion: '1.0', client: { name: 'x', version: '1', extra: 1 } })).toBe(false);
  });

  it('lists in the doc exactly the step states a syncProgress push can carry, and pending is not one', () => {
    const row = doc.split('\n').find((line) => line.startsWith('| `syncProgress` |'));
    expect(row).toBeDefined();
    const states = [...row!.slice(row!.indexOf('`state`')).matchAll(/`(\w+)`/g)].map((m) => m[1]).slice(1);
    expect(states).toEqual(StepState.options);
    expect(SyncProgress.safeParse({ changeId: 'c1', step: 'account', state: 'pending' }).success).toBe(false);
    expect(Notifications.syncProgress.params).toBe(SyncProgress);
  });

  it('names in the doc the fixed messages of methodNotFound and messageTooLarge', () => {
    expect(doc).toContain('`methodNotFound` (-32601) with the message "Method not found"');
    expect(doc).toContain('`messageTooLarge` -32004, message "Message too large"');
  });
});
