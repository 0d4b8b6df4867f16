export * from './dead-letter-view';
export * from './dead-letter-writer';
export * from './dead-letter-queries';
export * from './dead-letter-claims';
