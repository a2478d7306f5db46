import { describe, expect, it } from 'vitest';
import { REDACTED, redactText, redactValue } from '../src/redact';

const SECRET = 'Tr0ub4dor&3';

describe('redaction', () => {
  it.each([
    `password=${SECRET}`,
    `newPassword: ${SECRET}`,
    `previous_password = "${SECRET} with spaces"`,
    `{"newPassword":"${SECRET}","changeId":"chg_1"}`,
    `old-password='${SECRET}'`,
    `passwd=${SECRET}`,
    `pwd: ${SECRET}`,
    `passphrase=${SECRET}`,
    `token=${SECRET}`,
    `api_key=${SECRET}`,
    `PASSWORD: ${SECRET}`,
  ])('drops the value in free text: %s', (text) => {
    const out = redactText(text);
    expect(out).not.toContain(SECRET);
    expect(out).toContain(REDACTED);
  });

  it('leaves ordinary words alone', () => {
    const text = 'the change chg_1 was confirmed; the password step passed at 10:02';
    expect(redactText(text)).toBe(text);
  });

  it('drops fields whose name says secret, at any depth, and free-text pairs inside values', () => {
    const value = {
      changeId: 'chg_1',
      newPassword: SECRET,
      nested: { previousPassword: SECRET, list: [{ pwd: SECRET }, `password=${SECRET}`] },
      apiKey: SECRET,
      count: 3,
    };
    const out = redactValue(value);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out).toMatchObject({ changeId: 'chg_1', newPassword: REDACTED, nested: { previousPassword: REDACTED }, count: 3 });
  });

  it('drops, by their whole name only, the fields that carry a secret by their role', () => {
    const out = redactValue({
      pw: SECRET,
      authorization: `Bearer ${SECRET}`,
      params: { changeId: 'chg_1', other: SECRET },
      hashes: { sha512crypt: SECRET, pbkdf2: SECRET },
      sha512crypt: SECRET,
      pbkdf2: SECRET,
      pbkdf2Iterations: 1000,
      hashesStored: true,
      paramsValid: true,
    });
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out).toMatchObject({ pw: REDACTED, authorization: REDACTED, params: REDACTED, hashes: REDACTED, pbkdf2Iterations: 1000, hashesStored: true, paramsValid: true });
  });

  it('keeps a secret-named field that holds only yes/no answers (a Mac\'s SecureToken and bootstrap token facts), and drops it once it holds anything else', () => {
    const out = redactValue({
      secureToken: false,
      bootstrapToken: { supportedOnServer: true, escrowedToServer: null },
      deviceToken: SECRET,
      token: { escrowed: true, value: SECRET },
      passwordSet: [true],
      apiKey: 12345,
    });
    expect(out).toEqual({
      secureToken: false,
      bootstrapToken: { supportedOnServer: true, escrowedToServer: null },
      deviceToken: REDACTED,
      token: REDACTED,
      passwordSet: REDACTED,
      apiKey: REDACTED,
    });
  });

  it('gives up on absurdly deep values rather than recursing forever', () => {
    let deep: Record<string, unknown> = { leaf: SECRET };
    for (let i = 0; i < 20; i += 1) deep = { next: deep };
    expect(JSON.stringify(redactValue(deep))).not.toContain(SECRET);
  });
});
