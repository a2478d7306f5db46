/**
 * A small pool of worker threads for every password hash (crypt-worker.mjs: sha512-crypt,
 * PBKDF2, scrypt), so that a slow hash never stalls a server's sockets: the directory
 * hashes each new password here and the agent verifies typed passwords here. One thread
 * per core (at most 4), all hashes in one queue per thread, so a burst of changes keeps
 * as many threads busy as there are cores and no more (PBKDF2 and scrypt on libuv's pool
 * would add four more threads beside them, and take the libuv threads file access needs). The threads start on first use, never keep a program alive
 * (unref), and a thread that dies is replaced on the next call.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';

type Result = string | boolean | Uint8Array;

interface Job {
  resolve: (value: Result) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
}

const SIZE = Math.max(1, Math.min(4, os.availableParallelism()));

let slots: Slot[] = [];
let nextId = 1;
let turn = 0;

function spawn(): Slot {
  // Beside this file in the sources, beside the bundle once built (scripts/build.mjs); found
  // on first use, so a program that never hashes needs no worker file.
  const worker = new Worker(new URL('./crypt-worker.mjs', import.meta.url));
  worker.unref();
  const slot: Slot = { worker, jobs: new Map() };
  worker.on('message', (message: { id: number; result?: Result; error?: string }) => {
    const job = slot.jobs.get(message.id);
    if (!job) return;
    slot.jobs.delete(message.id);
    if (message.error !== undefined) job.reject(new Error(`hashing failed (${message.error})`));
    else job.resolve(message.result!);
    if (slot.jobs.size === 0) worker.unref();
  });
  const fail = () => {
    slots = slots.filter((s) => s !== slot);
    for (const job of slot.jobs.values()) job.reject(new Error('the hashing thread stopped'));
    slot.jobs.clear();
  };
  worker.on('error', fail);
  worker.on('exit', fail);
  return slot;
}

export type CryptJob =
  | { op: 'hash' | 'verify'; password: string; hash: string }
  | { op: 'pbkdf2'; password: string; salt: Uint8Array; iterations: number; keyBytes: number }
  | { op: 'scrypt'; password: string; salt: Uint8Array; keyBytes: number; N: number; r: number; p: number; maxmem: number };

export function runCrypt(op: 'hash', password: string, setting: string): Promise<string>;
export function runCrypt(op: 'verify', password: string, hash: string): Promise<boolean>;
export function runCrypt(op: 'hash' | 'verify', password: string, hash: string): Promise<string | boolean> {
  return runJob({ op, password, hash }) as Promise<string | boolean>;
}

/** PBKDF2-SHA512 on a pool thread. */
export async function pbkdf2OnPool(password: string, salt: Uint8Array, iterations: number, keyBytes: number): Promise<Buffer> {
  return Buffer.from((await runJob({ op: 'pbkdf2', password, salt, iterations, keyBytes })) as Uint8Array);
}

/** scrypt on a pool thread. */
export async function scryptOnPool(password: string, salt: Uint8Array, keyBytes: number, cost: { N: number; r: number; p: number; maxmem: number }): Promise<Buffer> {
  return Buffer.from((await runJob({ op: 'scrypt', password, salt, keyBytes, ...cost })) as Uint8Array);
}

function runJob(job: CryptJob): Promise<Result> {
  if (slots.length < SIZE) slots.push(spawn());
  // The least busy thread, so one slow hash does not hold up the jobs queued behind it.
  const slot = slots.reduce((best, s) => (s.jobs.size < best.jobs.size ? s : best), slots[turn++ % slots.length]!);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.jobs.set(id, { resolve, reject });
    // Ref'd while it has work, so a program does not exit under a pending hash.
    slot.worker.ref();
    slot.worker.postMessage({ id, ...job });
  });
}
