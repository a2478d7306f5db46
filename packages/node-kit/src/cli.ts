/**
 * Process lifecycle for our command-line programs (agent, directory).
 *
 * stopSignal() resolves with the first SIGTERM or SIGINT. Call it before anything slow starts, so
 * a signal that arrives while a program is still starting ends in its clean shutdown
 * (socket removed, database closed), not in the default abrupt exit.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

/**
 * Runs a command-line program's main and exits with its code. An error that escapes
 * main is reported by its name only: its message could quote input, and input can be
 * a secret.
 */
export function runCli(program: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${program}: ${error instanceof Error ? error.name : 'error'}: could not start\n`);
      process.exit(1);
    },
  );
}
