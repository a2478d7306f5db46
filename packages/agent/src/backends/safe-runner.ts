/**
 * The one place the agent starts programs. spawn without a shell; detached, so the
 * child leads its own session (setsid) with no controlling terminal: a tool that
 * would prompt reads standard input instead of a terminal, and a timeout can kill
 * the child's whole process group. Output is capped per channel, so a runaway
 * child cannot fill the agent's memory.
 */
import { spawn } from 'node:child_process';
import {
  checkRequest,
  childEnv,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_TIMEOUT_MS,
  type RunRequest,
  type RunResult,
  type Runner,
} from './runner';

class CappedText {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}
  add(chunk: Buffer): void {
    const room = this.max - this.size;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(Buffer.from(part));
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // A negative pid is the process group the detached child leads: helpers die with it.
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export class SafeRunner implements Runner {
  run(request: RunRequest): Promise<RunResult> {
    try {
      checkRequest(request);
    } catch (error) {
      request.stdin?.fill(0);
      return Promise.reject(error);
    }
    return new Promise<RunResult>((resolve) => {
      const stdout = new CappedText(request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
      const stderr = new CappedText(request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
      let timedOut = false;
      let spawnError: string | null = null;
      const child = spawn(request.program, [...request.args], {
        shell: false,
        detached: true,
        env: childEnv(request),
        cwd: '/',
        stdio: ['pipe', 'pipe', 'pipe'],
        uid: request.user.uid,
        gid: request.user.gid,
        windowsHide: true,
      });
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
      // A child that exits without reading its input makes the write fail with EPIPE: not our error.
      child.stdin.on('error', () => undefined);
      child.once('error', (error: NodeJS.ErrnoException) => {
        spawnError = error.code ?? 'error';
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        request.stdin?.fill(0);
        resolve({ exitCode: code, signal, spawnError, timedOut, stdout: stdout.text(), stderr: stderr.text() });
      });
      if (request.stdin) {
        // One write of the whole buffer, then end: the child sees EOF after the secret.
        child.stdin.end(request.stdin, () => request.stdin?.fill(0));
      } else {
        child.stdin.end();
      }
    });
  }
}
