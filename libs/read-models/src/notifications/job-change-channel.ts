import type { EntityManager } from 'typeorm';

/** The PostgreSQL channel the projector notifies with the ids of the jobs a transaction changed. */
export const JOB_CHANGES_CHANNEL = 'job_changes';

/** A NOTIFY payload must stay under 8,000 bytes: 200 ids of 36 characters and a comma is 7,400. */
const IDS_PER_NOTIFICATION = 200;

/** The payloads that name `jobIds` (distinct, comma-separated, at most 200 per payload). */
export function jobChangePayloads(jobIds: Iterable<string>): string[] {
  const ids = [...new Set(jobIds)];
  const payloads: string[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_NOTIFICATION) {
    payloads.push(ids.slice(i, i + IDS_PER_NOTIFICATION).join(','));
  }
  return payloads;
}

/** The job ids of a payload; anything that is not a job id is dropped. */
export function parseJobChangePayload(payload: string | undefined): string[] {
  if (!payload) return [];
  return payload.split(',').filter((id) => UUID.test(id));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Tells every listener (the gateways' live streams) that these jobs changed. Call inside the
 * transaction that changed them: PostgreSQL delivers a notification only when, and in the order,
 * its transaction commits, so a listener never reads ahead of the read models. One statement, however
 * many payloads.
 */
export async function notifyJobChanges(
  manager: Pick<EntityManager, 'query'>,
  jobIds: Iterable<string>,
): Promise<void> {
  const payloads = jobChangePayloads(jobIds);
  if (payloads.length === 0) return;
  await manager.query(`SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, [
    JOB_CHANGES_CHANNEL,
    payloads,
  ]);
}
