export * from './database';
export * from './database-errors';
export * from './job-projection';
export * from './job-views';
export * from './job-queries';
export * from './schema/read-model-ddl';
export * from './rebuild';
export * from './document-queries';
