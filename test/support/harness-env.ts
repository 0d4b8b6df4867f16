import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@app/read-models';
import type { KafkaConfig } from '@app/platform';

/** An address the test harness (test/harness/global-setup.ts) published; fails clearly outside jest. */
export function requiredEnv(name: 'KAFKA_BROKERS' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through jest so that test/harness/global-setup runs`);
  return value;
}

/** The same PostgreSQL URL, naming another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a database of the test's own on the harness's server (no migrations). */
export async function createDatabase(adminUrl: string, database: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, database);
}

/** A fresh, migrated database of the test's own, and an initialised pool on it. */
export async function createMigratedDatabase(
  database: string,
  applicationName: string,
  poolSize = 4,
): Promise<DataSource> {
  const url = await createDatabase(requiredEnv('DATABASE_URL'), database);
  const dataSource = await createDataSource({ url, poolSize }, applicationName).initialize();
  await runMigrations(dataSource);
  return dataSource;
}

/** Closes the test's pool (when open) and drops its database: the teardown of createMigratedDatabase. */
export async function dropMigratedDatabase(
  dataSource: DataSource | undefined,
  database: string,
): Promise<void> {
  if (dataSource?.isInitialized) await dataSource.destroy();
  const admin = new Client({ connectionString: requiredEnv('DATABASE_URL') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  } finally {
    await admin.end();
  }
}

/** Kafka settings for an int spec against the harness's broker, isolated under its own topic prefix. */
export function harnessKafkaConfig(clientId: string, partitions: number, topicPrefix: string): KafkaConfig {
  return {
    brokers: requiredEnv('KAFKA_BROKERS').split(','),
    clientId,
    partitions,
    replicationFactor: 1,
    sendTimeoutMs: 15_000,
    topicPrefix,
  };
}
