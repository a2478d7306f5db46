/**
 * The live events on `GET /console/api/events?userName=NAME` (server-sent events):
 * the same push the devices' stream rides on (the directory's event hub), so the page
 * hears within the same tick that a device reported, checked in, came online or went
 * offline, or that someone turned its sync off or on. Each event carries the whole
 * person's page, so the page never asks again; a comment line every heartbeat keeps
 * proxies from closing a quiet stream. When the session ends the stream ends with a
 * `signedOut` event.
 */
import { z } from 'zod';
import { PersonPage } from './schemas';

export const ConsoleEvent = {
  /** First on every stream: the person's page as it is now (or `null` data fields when the person is unknown: see `gone`). */
  hello: 'hello',
  /** Something about the person or one of their devices changed: the page as it is now. */
  person: 'person',
  /** The person no longer exists (deleted at the identity provider); the stream ends. */
  gone: 'gone',
  /** The session ended (idle, lifetime, sign-out, account disabled); the stream ends. */
  signedOut: 'signedOut',
} as const;
export type ConsoleEventName = (typeof ConsoleEvent)[keyof typeof ConsoleEvent];

export const ConsoleEventData = {
  hello: PersonPage,
  person: PersonPage,
  gone: z.object({ userName: z.string() }),
  signedOut: z.object({ reason: z.enum(['idle', 'expired', 'signedOut', 'disabled']) }),
} as const satisfies Record<ConsoleEventName, z.ZodType>;

export type ConsoleEventPayload<E extends ConsoleEventName> = z.infer<(typeof ConsoleEventData)[E]>;

/** The query the events route takes. */
export const EventsQuery = z.strictObject({ userName: z.string().min(1).max(256) });
export type EventsQuery = z.infer<typeof EventsQuery>;
