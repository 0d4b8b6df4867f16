export * from './database';
export * from './job-projection';
export * from './job-views';
export * from './job-queries';
