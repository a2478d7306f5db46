/**
 * A runner for tests: it checks each request exactly as the real one does, records
 * what would have run (program, arguments, environment, standard input) and answers
 * with a scripted result, so a backend that cannot run here (macOS, Windows) can be
 * audited call by call.
 */
import { checkRequest, childEnv, type RunRequest, type RunResult, type Runner } from './runner';

export interface RecordedCall {
  program: string;
  args: string[];
  env: Record<string, string>;
  /** A copy of standard input, taken before the runner zeroes the caller's buffer. */
  stdin: string;
  asUid: number | undefined;
}

export type Script = (call: RecordedCall, index: number) => Partial<RunResult> | Promise<Partial<RunResult>>;

export function ok(stdout = ''): Partial<RunResult> {
  return { exitCode: 0, stdout };
}

export class RecordingRunner implements Runner {
  readonly calls: RecordedCall[] = [];

  constructor(private readonly script: Script = () => ok()) {}

  async run(request: RunRequest): Promise<RunResult> {
    const stdin = request.stdin ? request.stdin.toString('utf8') : '';
    try {
      checkRequest(request);
    } finally {
      // Checked or refused, the caller's secret buffer is zeroed, as the real runner does.
      request.stdin?.fill(0);
    }
    const call: RecordedCall = { program: request.program, args: [...request.args], env: childEnv(request), stdin, asUid: request.user.uid };
    this.calls.push(call);
    const scripted = await this.script(call, this.calls.length - 1);
    return { exitCode: 0, signal: null, spawnError: null, timedOut: false, stdout: '', stderr: '', ...scripted };
  }
}
