import { createHash } from 'node:crypto';
import { validatePlain, type EventActor, type JobPriority, type SubmittableJobType } from '@app/contracts';
import { RequestValidationError } from '../../../http/api-errors';
import { SUBMITTABLE_INPUTS } from '../../dto/job-inputs';

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 1-255 visible ASCII characters';

/** A job submission that passed validation; an invalid one cannot be constructed. */
export class SubmitJobCommand {
  private constructor(
    readonly tenantId: string,
    readonly type: SubmittableJobType,
    readonly input: Record<string, unknown>,
    readonly priority: JobPriority,
    readonly correlationId: string,
    readonly idempotencyKey: string | null,
    /** The API key that asked (recorded on the request event). */
    readonly actor: EventActor | null,
  ) {}

  static create(fields: {
    tenantId: string;
    type: SubmittableJobType;
    input: Record<string, unknown>;
    priority?: JobPriority;
    correlationId: string;
    idempotencyKey?: string;
    actor?: EventActor;
  }): SubmitJobCommand {
    const input = validatePlain(SUBMITTABLE_INPUTS[fields.type], fields.input, 'input');
    if (!input.ok) throw new RequestValidationError(input.errors);
    const key = fields.idempotencyKey;
    if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new RequestValidationError([{ path: 'header.Idempotency-Key', message: IDEMPOTENCY_KEY_RULE }]);
    }
    return new SubmitJobCommand(
      fields.tenantId,
      fields.type,
      fields.input,
      fields.priority ?? 'normal',
      fields.correlationId,
      key ?? null,
      fields.actor ?? null,
    );
  }

  /** Fingerprint of what the client asked for: same key + same fingerprint = the same job. */
  requestHash(): string {
    return createHash('sha256')
      .update(canonicalJson({ type: this.type, input: this.input, priority: this.priority }))
      .digest('hex');
  }
}

/** JSON with object keys sorted, so key order in the client's body does not change the fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
