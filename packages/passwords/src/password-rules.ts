/**
 * What the agent accepts as a password before it touches anything. Every channel a
 * password travels on later (a C string, a line on standard input) breaks on NUL or
 * a line break, and lengths are UTF-8 bytes, never characters.
 */
export const MAX_PASSWORD_BYTES = 1024;

export type PasswordProblem = 'tooLong' | 'forbiddenCharacter';

export function checkPassword(password: string): PasswordProblem | undefined {
  if (/[\0\n\r]/.test(password)) return 'forbiddenCharacter';
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return 'tooLong';
  return undefined;
}
