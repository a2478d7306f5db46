import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { protocolJsonSchemas } from '../src/json-schemas';
import { ErrorCode } from '../src';

describe('the published protocol', () => {
  it('docs/protocol/schemas.json is what the code validates with (run `npm run docs:protocol` after a change)', () => {
    const committed = JSON.parse(readFileSync('docs/protocol/schemas.json', 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(protocolJsonSchemas())));
  });

  it('error codes are unique', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
