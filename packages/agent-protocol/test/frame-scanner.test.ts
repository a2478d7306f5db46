import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, FrameScanner } from '../src';

const frame = (body: string) => Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

describe('the frame scanner', () => {
  it('passes well-formed frames through whole, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (bodies, cuts) => {
        const stream = Buffer.concat(bodies.map(frame));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const scanner = new FrameScanner(1000);
        let passed = 0;
        let last = 0;
        for (const point of [...points, stream.length]) {
          const { ok, error } = scanner.scan(stream.subarray(last, point));
          expect(error).toBeUndefined();
          passed += ok;
          last = point;
        }
        expect(passed).toBe(stream.length);
      }),
      { numRuns: 500 },
    );
  });

  it('stops at the start of an oversized frame and passes the frames before it', () => {
    const good = frame('{"a":1}');
    const scanner = new FrameScanner(100);
    const { ok, error } = scanner.scan(Buffer.concat([good, Buffer.from('Content-Length: 101\r\n\r\n')]));
    expect(ok).toBe(good.length);
    expect(error?.code).toBe(ErrorCode.messageTooLarge);
    expect(scanner.scan(frame('{}')).ok).toBe(0);
  });

  it('refuses a header split across chunks that never ends, and one without a length', () => {
    const scanner = new FrameScanner(100);
    expect(scanner.scan(Buffer.from('Content-Le')).error).toBeUndefined();
    expect(scanner.scan(Buffer.alloc(2000, 'x')).error?.code).toBe(ErrorCode.invalidRequest);
    expect(new FrameScanner(100).scan(Buffer.from('Content-Type: x\r\n\r\n{}')).error?.message).toContain('Content-Length');
  });
});
