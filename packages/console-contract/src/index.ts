/** The support console's API contract (docs/directory.md, "The support console"): schemas, routes, live events. */
export * from './schemas';
export * from './routes';
export * from './events';
export * from './situation';
