/**
 * The console API's types, from the contract the directory serves by
 * (@pwsync/console-contract). Types only: the page trusts its own origin's answers and
 * so does not bundle the contract's zod schemas (the JavaScript stays small); the
 * contract's own tests and the directory's validation hold the shapes.
 */
export type {
  AccountView,
  AuditEntry,
  CodeState,
  CodeView,
  ConsoleError,
  DeviceState,
  DeviceView,
  ErrorCode,
  FleetDevice,
  FleetPage,
  HistoryEntry,
  PeoplePage,
  PersonPage,
  PersonSummary,
  Role,
  Session,
  SignInMethods,
  Situation,
  AnswerOf,
  BodyOf,
  RouteName,
  ROUTES,
} from '@pwsync/console-contract';
export type { Platform, SyncStep } from '@pwsync/agent-protocol/schemas';
