/**
 * Resolves with the first SIGTERM or SIGINT. Call it before anything slow starts, so
 * a signal that arrives while a program is still starting ends in its clean shutdown
 * (socket removed, database closed), not in the default abrupt exit.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}
