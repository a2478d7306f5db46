/**
 * Loaded into a directory process the load tool starts (node --import), it measures
 * that process's event loop: the longest stall and the 99th percentile of the delay
 * since the last reset, and the process's memory, read by the load tool over the IPC
 * channel (instance.ts). It changes nothing the directory does; it is how the bench
 * sees each instance from outside. Plain JavaScript: --import reaches the directory's
 * worker threads too, where no TypeScript loader runs, and there it does nothing.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && process.send) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  process.on('message', (message) => {
    if (message?.probe === 'reset') {
      histogram.reset();
      process.send({ probeId: message.id });
    } else if (message?.probe === 'read') {
      // A collection first (the load tool starts the directory with --expose-gc), so memory read twice compares like with like.
      globalThis.gc?.();
      const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
      process.send({ probeId: message.id, reading: { maxStallMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, rssKiB } });
    }
  });
  // The channel never keeps the directory alive: it stops on its signals as ever.
  process.channel?.unref();
}
