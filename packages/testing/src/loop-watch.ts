/**
 * Runs `work` while a 5 ms ticker watches the event loop, for tests that prove slow work
 * runs off it: what `work` returned, how long it took, and the longest gap between two
 * ticks (the loop's longest stall meanwhile).
 */
export async function watchLoop<T>(work: () => Promise<T>): Promise<{ result: T; tookMs: number; longestStallMs: number }> {
  let longest = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    const result = await work();
    return { result, tookMs: performance.now() - started, longestStallMs: Math.max(longest, performance.now() - last) };
  } finally {
    clearInterval(ticker);
  }
}
