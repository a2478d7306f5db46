import fc from 'fast-check';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '@pwsync/agent-protocol';
import { type Harness, startHarness } from '@pwsync/testing/agent-harness';
import { connectRaw, frame, responseTo } from '@pwsync/testing/raw-socket';

// Property: whatever arrives on the socket, the agent neither crashes nor leaves a
// promise rejection unhandled (vitest fails the run on one), and still answers.
const MESSAGES = 100_000;
const FRAMING_FAULTS = 1_500;
const METHODS = ['initialize', 'status', 'checkIn', 'confirmChange', 'startOver', 'diagnostics', '', 'rpc.x', '__proto__', 'constructor'];

const id = fc.oneof(fc.integer(), fc.string({ maxLength: 80 }), fc.constant(null), fc.double(), fc.boolean(), fc.object());
const params = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ changeId: fc.string(), previousPassword: fc.anything(), newPassword: fc.string({ maxLength: 300 }) }, { requiredKeys: [] }),
  fc.record({ protocolVersion: fc.oneof(fc.string(), fc.constant('1.0'), fc.constant('9.9')), client: fc.anything() }, { requiredKeys: [] }),
);
const request = fc.record(
  { jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), fc.integer()), id, method: fc.oneof(fc.constantFrom(...METHODS), fc.string()), params },
  { requiredKeys: [] },
);
const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: request.map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) }, // mostly not JSON
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) },
);

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ previous: 'fuzz-prev', next: 'fuzz-next' });
});
afterAll(async () => {
  await harness.remove();
});

describe('the agent under malformed input', () => {
  it(`survives ${MESSAGES.toLocaleString('en')} generated malformed messages and still answers`, async () => {
    const client = await connectRaw(harness.socketPath);
    let answered = 0;
    client.socket.on('data', () => (answered += 1));
    const bodies = fc.sample(body, { numRuns: MESSAGES, seed: 20261128 });
    // A few huge strings, just under and over the limit.
    bodies.push(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'status', params: { x: 'y'.repeat(MAX_MESSAGE_BYTES - 100) } }));
    for (let i = 0; i < bodies.length; i += 500) {
      const chunk = Buffer.concat(bodies.slice(i, i + 500).map((b) => frame(b)));
      if (!client.socket.write(chunk)) await new Promise((resolve) => client.socket.once('drain', resolve));
    }
    client.send({ jsonrpc: '2.0', id: 'final', method: 'initialize', params: { protocolVersion: '1.0', client: { name: 'fuzz', version: '0' } } });
    const final = await responseTo(client, 'final');
    expect(final.result ?? final.error).toBeDefined();
    expect(answered).toBeGreaterThan(0);
    client.socket.destroy();
  }, 180_000);

  it(`survives ${FRAMING_FAULTS.toLocaleString('en')} broken frames on fresh connections`, async () => {
    const faults = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 100 }).map((s) => `Content-Length: ${s}\r\n\r\n`), // bad length
        fc.integer({ min: MAX_MESSAGE_BYTES + 1, max: 2 ** 31 }).map((n) => `Content-Length: ${n}\r\n\r\n`), // oversized
        fc.integer({ min: 10, max: 5000 }).map((n) => `Content-Length: ${n}\r\n\r\n{"jsonrpc":"2.0"`), // partial, then hang up
        fc.string({ minLength: 1, maxLength: 3000 }), // no header at all
        fc.constant('Content-Type: application/json\r\n\r\n{}'), // no Content-Length
      ),
      { numRuns: FRAMING_FAULTS, seed: 7 },
    );
    for (let i = 0; i < faults.length; i += 50) {
      await Promise.all(
        faults.slice(i, i + 50).map(
          (fault) =>
            new Promise<void>((resolve) => {
              const socket = net.createConnection(harness.socketPath, () => {
                socket.end(fault);
              });
              socket.on('error', () => resolve());
              socket.on('close', () => resolve());
              socket.resume();
            }),
        ),
      );
    }
    const client = await connectRaw(harness.socketPath);
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '1.0', client: { name: 'after', version: '0' } } });
    expect((await responseTo(client, 1)).result).toBeDefined();
    client.send({ jsonrpc: '2.0', id: 2, method: 'status', params: {} });
    expect((await responseTo(client, 2)).result).toMatchObject({ pendingChange: { provider: 'Okta' } });
    client.socket.destroy();
    expect(harness.server.connectionCount).toBeLessThanOrEqual(1);
  }, 120_000);
});
