/**
 * The one fake clock for tests: its time moves only when a test says so, and due
 * timers fire in order on the way. Any code that takes a Clock takes this.
 */
import type { Clock, TimerHandle } from '@pwsync/node-kit/clock';

export class FakeClock implements Clock {
  private time: number;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  constructor(start: number | string = '2025-03-01T09:00:00Z') {
    this.time = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }
  /** How many timers wait to fire. */
  get pending(): number {
    return this.timers.size;
  }
  /** Moves time forward, firing each timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
  /** Moves time without firing anything: a laptop asleep. */
  jump(ms: number): void {
    this.time += ms;
  }
}
