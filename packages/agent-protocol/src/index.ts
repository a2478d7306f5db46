/** The agent protocol as published for the tray app and for other agents' implementers. */
export * from './errors';
export * from './methods';
export * from './schemas';
export * from './version';
export * from './connection';
export * from './socket-path';
