/**
 * A small pool of worker threads for sha512-crypt (crypt-worker.mjs), so that a slow
 * hash never stalls a server's sockets: the directory hashes each new password here
 * and the agent verifies typed passwords here. The threads start on first use, never
 * keep a program alive (unref), and a thread that dies is replaced on the next call.
 * PBKDF2 and scrypt need no pool: node:crypto runs them on libuv's thread pool.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';

interface Job {
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
}

const SIZE = Math.max(1, Math.min(4, os.availableParallelism() - 1));

let slots: Slot[] = [];
let nextId = 1;
let turn = 0;

function spawn(): Slot {
  // Beside this file in the sources, beside the bundle once built (scripts/build.mjs); found
  // on first use, so a program that never hashes needs no worker file.
  const worker = new Worker(new URL('./crypt-worker.mjs', import.meta.url));
  worker.unref();
  const slot: Slot = { worker, jobs: new Map() };
  worker.on('message', (message: { id: number; result?: string | boolean; error?: string }) => {
    const job = slot.jobs.get(message.id);
    if (!job) return;
    slot.jobs.delete(message.id);
    if (message.error !== undefined) job.reject(new Error(`sha512-crypt failed (${message.error})`));
    else job.resolve(message.result!);
    if (slot.jobs.size === 0) worker.unref();
  });
  const fail = () => {
    slots = slots.filter((s) => s !== slot);
    for (const job of slot.jobs.values()) job.reject(new Error('the sha512-crypt thread stopped'));
    slot.jobs.clear();
  };
  worker.on('error', fail);
  worker.on('exit', fail);
  return slot;
}

export function runCrypt(op: 'hash', password: string, setting: string): Promise<string>;
export function runCrypt(op: 'verify', password: string, hash: string): Promise<boolean>;
export function runCrypt(op: 'hash' | 'verify', password: string, hash: string): Promise<string | boolean> {
  if (slots.length < SIZE) slots.push(spawn());
  const slot = slots[turn++ % slots.length]!;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.jobs.set(id, { resolve, reject });
    // Ref'd while it has work, so a program does not exit under a pending hash.
    slot.worker.ref();
    slot.worker.postMessage({ id, op, password, hash });
  });
}
