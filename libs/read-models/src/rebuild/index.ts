export * from './rebuild-locks';
export * from './rebuild-status';
export * from './projection-rebuilder';
