import type { ClassConstructor } from 'class-transformer';
import { generatedValidator } from './generated-validator';
import { NOT_MIRRORED, type DataMode } from './plain-data';
import { planOf } from './validation-plan';

/**
 * The instance `plainToInstance(dto, plain)` would give when it certainly passes `validateSync` with
 * whitelist, forbidNonWhitelisted and forbidUnknownValues; undefined when it does not or when that is not
 * certain (the caller then runs class-transformer + class-validator, which also produce the errors).
 * With mode `share`, plain data inside the instance is the input's own (equal to class-transformer's
 * copy, not a copy). Never throws.
 */
export function acceptedInstance<T extends object>(
  dto: ClassConstructor<T>,
  plain: object,
  mode: DataMode,
): T | undefined {
  try {
    const plan = planOf(dto);
    if (plan === null) return undefined;
    const validator = generatedValidator(plan);
    const instance = validator.build(plain, mode, 0);
    if (instance === NOT_MIRRORED || !validator.check(instance)) return undefined;
    return instance as T;
  } catch {
    // A throwing validator or condition: class-validator meets the same exception, or decides.
    return undefined;
  }
}
