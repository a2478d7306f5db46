/**
 * Reading a file that holds a secret (a token, a TLS key) for a program that runs as
 * a service: the file must be readable by its owner alone, or the program refuses to
 * start and says how to fix it. A secret in a world-readable file is no secret, and a
 * program that accepts one silently teaches people to leave it so.
 */
import { readFileSync, statSync } from 'node:fs';

export class SecretFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretFileError';
  }
}

/** The file's text; throws SecretFileError with a sentence naming the flag, the file and the fix. */
export function readSecretFile(file: string, flag: string): string {
  let mode: number;
  let text: string;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretFileError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretFileError(`${flag} ${file} can be read by others than its owner; make it private with: chmod 600 ${file}`);
  }
  return text;
}
