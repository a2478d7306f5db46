/**
 * The protocol's JSON Schemas, generated from the same zod schemas the code
 * validates with. docs/protocol/schemas.json is this output; a test keeps it current.
 */
import { z } from 'zod';
import { ErrorCode } from './errors';
import { Methods, Notifications } from './methods';
import * as s from './schemas';
import { PROTOCOL_VERSION } from './version';

const errorData = {
  previousPasswordWrong: s.AttemptsData,
  newPasswordMismatch: s.AttemptsData,
  lockedOut: s.LockedOutData,
  changeNotFound: s.ChangeNotFoundData,
  stepFailed: s.StepFailedData,
  unsupportedVersion: s.VersionData,
  notAllowed: s.NotAllowedData,
  passwordNotAccepted: s.PasswordNotAcceptedData,
} as const;

/**
 * Params are read as input and every object in them is strict (additionalProperties:
 * false). Results, pushes and error data are read as output, where zod would call
 * every object closed; but a receiver drops fields it does not know (z.object strips
 * them), so those objects are open, and the schema says so by leaving
 * additionalProperties out. Only an object declared strict stays closed.
 */
function schema(type: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(type, {
    io,
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def as { type: string; catchall?: unknown };
      if (def.type === 'object' && def.catchall === undefined) delete jsonSchema.additionalProperties;
    },
  });
}

export function protocolJsonSchemas(): Record<string, unknown> {
  return {
    $comment: 'Generated from packages/agent-protocol/src/*.ts by `npm run docs:protocol`. Do not edit.',
    protocolVersion: PROTOCOL_VERSION,
    methods: Object.fromEntries(
      Object.entries(Methods).map(([name, spec]) => [
        name,
        { summary: spec.summary, carriesSecrets: spec.secret, params: schema(spec.params, 'input'), result: schema(spec.result, 'output') },
      ]),
    ),
    notifications: Object.fromEntries(
      Object.entries(Notifications).map(([name, spec]) => [name, { summary: spec.summary, params: schema(spec.params, 'output') }]),
    ),
    errors: Object.fromEntries(
      Object.entries(ErrorCode).map(([name, code]) => [
        name,
        { code, data: name in errorData ? schema(errorData[name as keyof typeof errorData], 'output') : null },
      ]),
    ),
  };
}
