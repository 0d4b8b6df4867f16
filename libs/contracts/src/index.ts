// class-transformer's @Type needs the Reflect metadata API before any DTO class is defined.
import 'reflect-metadata';
export * from './topics';
export * from './event-id';
export * from './field-error';
export * from './unstorable-text';
export * from './validation';
export * from './events/envelope';
export * from './events/job-events';
export * from './events/event-codec';
export * from './events/event-factory';
export * from './jobs/job-types';
export * from './jobs/job-catalog';
export * from './jobs/scrape';
export * from './jobs/scrape-input.dto';
export * from './jobs/scrape-result.dto';
export * from './jobs/risk';
export * from './jobs/document';
