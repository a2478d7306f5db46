/** `npm run doctor` (packages/tray/dist/doctor.cjs): the support CLI without Electron. */
import pkg from '../../../../package.json';
import { runDoctor } from './run-doctor';

void runDoctor(process.argv.slice(2), { write: (text) => process.stdout.write(text), env: process.env, appVersion: pkg.version }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pwsync doctor failed: ${error instanceof Error ? error.name : 'unknown error'}\n`);
    process.exitCode = 1;
  },
);
