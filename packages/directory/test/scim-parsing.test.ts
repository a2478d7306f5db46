/** The SCIM filter and PATCH parsers on their own: the forms clients send, and refusals. */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../src/scim-filter';
import { PATCH_OP, applyPatch, parsePatch } from '../src/scim-patch';
import { validateUser } from '../src/scim-user';

describe('parseFilter', () => {
  it.each([
    ['userName eq "a@b.c"', { attribute: 'userName', value: 'a@b.c' }],
    ['USERNAME EQ "A@B.C"', { attribute: 'userName', value: 'A@B.C' }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"', { attribute: 'userName', value: 'x' }],
    ['externalId eq "00u1"', { attribute: 'externalId', value: '00u1' }],
    ['userName eq "with \\"quote\\""', { attribute: 'userName', value: 'with "quote"' }],
  ])('%s', (text, expected) => expect(parseFilter(text)).toEqual(expected));
});

describe('PATCH', () => {
  const doc = { userName: 'u@example.com', name: { givenName: 'U', familyName: 'V' }, active: true };
  const run = (ops: unknown[]) => validateUser(applyPatch(doc, parsePatch({ schemas: [PATCH_OP], Operations: ops })));

  it('merges a complex value and keeps sub-attributes not named', () => {
    expect(run([{ op: 'replace', value: { name: { GIVENNAME: 'W' } } }]).profile).toEqual({ name: { givenName: 'W', familyName: 'V' } });
  });

  it('takes dotted keys in a no-path value (as Azure sends)', () => {
    expect(run([{ op: 'replace', value: { 'name.familyName': 'Z' } }]).profile.name).toEqual({ givenName: 'U', familyName: 'Z' });
  });

  it('takes the password from either form, and leaves the input untouched', () => {
    expect(run([{ op: 'replace', value: { password: 'p1' } }]).password).toBe('p1');
    expect(run([{ op: 'replace', path: 'password', value: 'p2' }]).password).toBe('p2');
    expect(doc).toEqual({ userName: 'u@example.com', name: { givenName: 'U', familyName: 'V' }, active: true });
  });

  it('refuses to remove password, active or userName', () => {
    for (const path of ['password', 'active', 'userName']) expect(() => run([{ op: 'remove', path }])).toThrow(/cannot be removed/);
  });

  it('never puts a value into an error', () => {
    try {
      run([{ op: 'replace', value: { password: 7 } }]);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('password must be a string.');
    }
  });
});
