/**
 * The machine's side of the device API (docs/directory.md, "Machines"): enrol once with
 * a code, then, with the machine's token, read what the directory knows of this
 * computer and bind or unbind the people it serves. Every answer is checked with the
 * device API's schema. Over https with the pinned CA when one is given, as the
 * per-person DirectoryClient does; plain http only to this computer.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { z } from 'zod';
import { BindingAnswer, DEVICE_API, MachineAnswer, MachineEnrolmentAnswer, type Platform } from '@pwsync/device-api';
import { explainConnectionError } from '../directory-client';
import { directoryUrlProblem } from '../directory-url';
import type { DirectoryMatch } from '../config/accounts';

/** Why a call to the directory did not give an answer, in words support acts on; never a token. */
export class DirectoryCallError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or null when the directory was not reached. */
    readonly status: number | null,
    readonly code: string,
  ) {
    super(message);
    this.name = 'DirectoryCallError';
  }
}

export interface MachineClientOptions {
  url: string;
  ca?: string;
  timeoutMs?: number;
}

export class MachineClient {
  private readonly base: string;
  private readonly dispatcher: Agent;

  constructor(private readonly options: MachineClientOptions) {
    const problem = directoryUrlProblem(new URL(options.url));
    if (problem) throw new Error(`the directory URL ${problem}`);
    this.base = options.url.replace(/\/+$/, '');
    this.dispatcher = new Agent({ connect: options.ca ? { ca: options.ca } : {} });
  }

  enrol(code: string, machineName: string, platform: Platform): Promise<MachineEnrolmentAnswer> {
    return this.call('POST', DEVICE_API.machineEnrol, null, { code, machineName, platform }, MachineEnrolmentAnswer);
  }

  info(machineToken: string): Promise<MachineAnswer> {
    return this.call('GET', DEVICE_API.machine, machineToken, undefined, MachineAnswer);
  }

  bind(machineToken: string, localAccount: string, match: DirectoryMatch): Promise<BindingAnswer> {
    const body = 'userName' in match ? { userName: match.userName } : { localPart: match.localPart };
    return this.call('PUT', `${DEVICE_API.machinePeople}${encodeURIComponent(localAccount)}`, machineToken, body, BindingAnswer);
  }

  /** Resolves when the directory no longer binds the account (404 included: it already did not). */
  async unbind(machineToken: string, localAccount: string): Promise<void> {
    try {
      await this.call('DELETE', `${DEVICE_API.machinePeople}${encodeURIComponent(localAccount)}`, machineToken, undefined, null);
    } catch (error) {
      if (error instanceof DirectoryCallError && error.status === 404) return;
      throw error;
    }
  }

  close(): void {
    void this.dispatcher.close().catch(() => undefined);
  }

  private async call<T>(method: string, pathname: string, token: string | null, body: unknown, schema: z.ZodType<T> | null): Promise<T> {
    let response;
    try {
      response = await undiciFetch(`${this.base}${pathname}`, {
        method,
        dispatcher: this.dispatcher,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const { code, message } = explainConnectionError(error);
      throw new DirectoryCallError(message, null, code);
    }
    const text = await response.text();
    if (!response.ok) {
      // The directory's own sentence (SCIM's error `detail`): it never holds a secret.
      let detail: string;
      try {
        detail = String((JSON.parse(text) as { detail?: unknown }).detail ?? '');
      } catch {
        detail = '';
      }
      const said = detail ? `: ${detail.slice(0, 300)}` : '';
      throw new DirectoryCallError(`the directory answered ${response.status}${said}`, response.status, `http${response.status}`);
    }
    if (!schema) return undefined as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) throw new DirectoryCallError('the directory sent an answer that does not match its API', response.status, 'badAnswer');
    return checked.data;
  }
}
