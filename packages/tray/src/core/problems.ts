/**
 * Turns what the agent answered into a Problem the screen can explain. Only data
 * that matches the protocol's schema for that code is passed on.
 */
import type { z } from 'zod';
import {
  AttemptsData,
  ChangeNotFoundData,
  ErrorCode,
  LockedOutData,
  NotAllowedData,
  PasswordNotAcceptedData,
  StepFailedData,
} from '@pwsync/agent-protocol';
import type { Problem } from '../contract';
import { AgentCallError, ConnectionLostError } from './agent-client';

function dataOf<T>(schema: z.ZodType<T>, data: unknown): T | undefined {
  const parsed = schema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

export function problemFrom(error: unknown): Problem {
  if (error instanceof ConnectionLostError) return { code: 'connectionLost' };
  if (!(error instanceof AgentCallError)) return { code: 'internal' };
  switch (error.code) {
    case ErrorCode.previousPasswordWrong:
      return { code: 'previousPasswordWrong', ...dataOf(AttemptsData, error.data) };
    case ErrorCode.newPasswordMismatch:
      return { code: 'newPasswordMismatch', ...dataOf(AttemptsData, error.data) };
    case ErrorCode.lockedOut:
      return { code: 'lockedOut', ...dataOf(LockedOutData, error.data) };
    case ErrorCode.changeNotFound: {
      dataOf(ChangeNotFoundData, error.data);
      return { code: 'changeNotFound' };
    }
    case ErrorCode.stepFailed:
      return { code: 'stepFailed', ...dataOf(StepFailedData, error.data) };
    case ErrorCode.passwordNotAccepted: {
      const data = dataOf(PasswordNotAcceptedData, error.data);
      return data ? { code: 'passwordNotAccepted', field: data.field } : { code: 'passwordNotAccepted' };
    }
    case ErrorCode.notAllowed: {
      // Whose rule it is decides what the person does next; the agent's words tell support which system.
      const data = dataOf(NotAllowedData, error.data);
      return {
        code: 'notAllowed',
        ...(data ? { notAllowedReason: data.reason } : {}),
        ...(data?.failureReason === undefined ? {} : { failureReason: data.failureReason }),
      };
    }
    case ErrorCode.syncAlreadyRunning:
      return { code: 'syncAlreadyRunning' };
    default:
      return { code: 'internal' };
  }
}
