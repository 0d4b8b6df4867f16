import { DOCUMENT_STAGES } from '@app/contracts';
import type { ServiceName } from './services';
import { LauncherArgumentError, type ScaleCounts } from './scale-option';

/** One process `npm start` runs: its log name, which service binary, and its own environment. */
export interface PlannedProcess {
  /** Log prefix and supervisor name: `scraper`, or `scraper#2` when there are several. */
  name: string;
  service: ServiceName;
  env: Record<string, string>;
  /** False for the first process of a service (it keeps the service's default ops port). */
  needsOwnOpsPort: boolean;
}

/**
 * The processes for a `--scale`: each service `count` times (default 1); a document stage named in
 * `--scale` runs in processes of its own (`documents` with DOCUMENTS_STAGES=<stage>, named `<stage>#n`),
 * and the `documents` process hosts the stages not named (none left: no such process).
 */
export function planProcesses(counts: ScaleCounts): PlannedProcess[] {
  const plan: PlannedProcess[] = [];
  const add = (
    service: ServiceName,
    label: string,
    count: number,
    env: Record<string, string>,
    clientId?: string,
  ): void => {
    for (let replica = 1; replica <= count; replica += 1) {
      const several = count > 1;
      // The Kafka client id tells the members of a group apart in GET /admin/consumer-groups.
      const id = several ? `${clientId ?? label}-${replica}` : clientId;
      plan.push({
        name: several ? `${label}#${replica}` : label,
        service,
        env: id === undefined ? env : { ...env, KAFKA_CLIENT_ID: id },
        needsOwnOpsPort: false,
      });
    }
  };
  add('gateway', 'gateway', 1, {});
  add('projector', 'projector', counts.projector ?? 1, {});
  add('scraper', 'scraper', counts.scraper ?? 1, {});
  add('risk', 'risk', counts.risk ?? 1, {});
  const ownProcesses = DOCUMENT_STAGES.filter((stage) => counts[stage] !== undefined);
  const shared = DOCUMENT_STAGES.filter((stage) => counts[stage] === undefined);
  if (shared.length > 0) {
    const env: Record<string, string> = ownProcesses.length > 0 ? { DOCUMENTS_STAGES: shared.join(',') } : {};
    add('documents', 'documents', counts.documents ?? 1, env);
  } else if (counts.documents !== undefined) {
    throw new LauncherArgumentError(
      `--scale: documents has no stage left to host (${DOCUMENT_STAGES.join(', ')} each have their own count)`,
    );
  }
  for (const stage of ownProcesses) {
    add('documents', stage, counts[stage] ?? 0, { DOCUMENTS_STAGES: stage }, `documents-${stage}`);
  }
  const seen = new Set<ServiceName>();
  for (const process of plan) {
    process.needsOwnOpsPort = seen.has(process.service);
    seen.add(process.service);
  }
  return plan;
}
