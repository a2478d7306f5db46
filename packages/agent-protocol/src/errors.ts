/**
 * Stable error codes of the agent protocol. The numbers are part of the protocol:
 * never renumber, only add. The UI maps each code to plain words and a next step.
 */
export const ErrorCode = {
  // JSON-RPC 2.0 reserved codes
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  // pwsync codes (-32099..-32000 is "implementation defined server error")
  notInitialized: -32002,
  unsupportedVersion: -32003,
  messageTooLarge: -32004,
  previousPasswordWrong: -32010,
  newPasswordMismatch: -32011,
  lockedOut: -32012,
  changeNotFound: -32013,
  syncAlreadyRunning: -32014,
  stepFailed: -32015,
  notAllowed: -32016,
  passwordNotAccepted: -32017,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];

export function errorCodeName(code: number): ErrorCodeName | undefined {
  for (const [name, value] of Object.entries(ErrorCode)) {
    if (value === code) return name as ErrorCodeName;
  }
  return undefined;
}
