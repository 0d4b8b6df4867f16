import type { ClassConstructor, TypeMetadata } from 'class-transformer';
import { TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, ValidationTypes, type ValidatorConstraintInterface } from 'class-validator';
import { sufficientCheckFor, type SufficientCheck } from './sufficient-checks';

/*
 * A DTO class's validation plan, read once from the decorators' metadata (class-validator's
 * MetadataStorage, class-transformer's for @Type), so a check does not search the metadata again.
 * A class whose decorators use anything outside what the fast path mirrors exactly gets no plan (its
 * values always go through class-transformer + class-validator).
 */

// class-transformer does not export its metadata storage from the package root; this is the module its
// own decorators register into (NestJS reads it the same way).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage: transformerMetadata } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerMetadataStorage;
};

export type ConditionFn = (object: object, value: unknown) => unknown;

/** One class-validator constraint (IsString, Min, a @Validate class, a registerDecorator validator...). */
export interface ConstraintPlan {
  readonly validator: ValidatorConstraintInterface;
  readonly each: boolean;
  readonly constraints: unknown[];
  /** A cheaper test that, when true, means validate() would return true (see sufficient-checks). */
  readonly sufficient: SufficientCheck | undefined;
}

export interface PropertyPlan {
  readonly name: string;
  /** IsOptional / ValidateIf: the property is skipped unless every condition is truthy. */
  readonly conditions: readonly ConditionFn[];
  readonly constraints: readonly ConstraintPlan[];
  /** @ValidateNested with @Type: the nested class's plan; null for a property holding plain data. */
  readonly nested: DtoPlan | null;
}

export interface DtoPlan {
  readonly target: ClassConstructor<object>;
  /** `target.name`, read once (ValidationArguments.targetName). */
  readonly targetName: string;
  readonly properties: readonly PropertyPlan[];
  readonly propertyByName: ReadonlyMap<string, PropertyPlan>;
}

class UnsupportedDto extends Error {}

type AnyClass = ClassConstructor<object>;

const planByClass = new WeakMap<AnyClass, DtoPlan | UnsupportedDto>();

/** The plan of `target`, or null when its decorators use something the fast path does not mirror. */
export function planOf(target: ClassConstructor<object>): DtoPlan | null {
  const plan = planOrReason(target);
  return plan instanceof UnsupportedDto ? null : plan;
}

/** Why `target` has no plan (null when it has one): for tests that keep every contract DTO fast. */
export function whyNoPlan(target: ClassConstructor<object>): string | null {
  const plan = planOrReason(target);
  return plan instanceof UnsupportedDto ? plan.message : null;
}

function planOrReason(target: ClassConstructor<object>): DtoPlan | UnsupportedDto {
  const known = planByClass.get(target);
  if (known !== undefined) return known;
  const inProgress = new Map<AnyClass, DtoPlan>();
  let plan: DtoPlan | UnsupportedDto;
  try {
    plan = compile(target, inProgress);
  } catch (error) {
    plan = error instanceof UnsupportedDto ? error : new UnsupportedDto(String(error));
  }
  if (plan instanceof UnsupportedDto) planByClass.set(target, plan);
  else for (const [cls, compiled] of inProgress) planByClass.set(cls, compiled);
  return plan;
}

function unsupported(target: AnyClass, why: string): never {
  throw new UnsupportedDto(`${target.name}: ${why}`);
}

function compile(target: ClassConstructor<object>, inProgress: Map<AnyClass, DtoPlan>): DtoPlan {
  const done = planByClass.get(target) ?? inProgress.get(target);
  if (done instanceof UnsupportedDto) throw done;
  if (done !== undefined) return done;

  const properties: PropertyPlan[] = [];
  const propertyByName = new Map<string, PropertyPlan>();
  // Registered before its properties, so a class nesting itself refers to this (completed below) plan.
  const plan: DtoPlan = { target, targetName: target.name, properties, propertyByName };
  inProgress.set(target, plan);

  assertNoSchemaMetadata(target);
  assertNoTransformerClassDecorators(target);
  // The same query ValidationExecutor makes for validateSync without groups (always/strictGroups off).
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(
    target,
    undefined as unknown as string,
    false,
    false,
    undefined,
  );
  if (metadatas.length === 0) unsupported(target, 'no validation metadata (forbidUnknownValues rejects it)');
  const grouped = getMetadataStorage().groupByPropertyName(metadatas);

  for (const name of Object.keys(grouped)) {
    if (name in target.prototype) {
      unsupported(target, `property ${name} is also on the prototype (class-transformer would skip it)`);
    }
    const property = compileProperty(target, name, grouped[name], inProgress);
    properties.push(property);
    propertyByName.set(name, property);
  }
  assertFreshInstanceHasOnlyUnsetDeclaredFields(target, propertyByName);
  return plan;
}

type ValidationMetadataLike = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

function compileProperty(
  target: ClassConstructor<object>,
  name: string,
  metadatas: ValidationMetadataLike[],
  inProgress: Map<AnyClass, DtoPlan>,
): PropertyPlan {
  const conditions: ConditionFn[] = [];
  const constraints: ConstraintPlan[] = [];
  let validatesNested = false;
  for (const metadata of metadatas) {
    switch (metadata.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION: {
        const condition: unknown = metadata.constraints?.[0];
        if (typeof condition !== 'function') unsupported(target, `${name}: condition is not a function`);
        conditions.push(condition as ConditionFn);
        break;
      }
      case ValidationTypes.CUSTOM_VALIDATION:
      case ValidationTypes.IS_DEFINED:
        for (const constraint of getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls)) {
          if (constraint.async) unsupported(target, `${name}: async constraint ${constraint.name}`);
          const validator = constraint.instance;
          if (typeof validator?.validate !== 'function')
            unsupported(target, `${name}: constraint without validate`);
          constraints.push({
            validator,
            each: metadata.each === true,
            constraints: metadata.constraints,
            sufficient: sufficientCheckFor(constraint.name),
          });
        }
        break;
      case ValidationTypes.NESTED_VALIDATION:
        validatesNested = true;
        break;
      case ValidationTypes.WHITELIST:
        break;
      default:
        unsupported(target, `${name}: validation type ${metadata.type}`);
    }
  }
  const typeMetadata = transformerMetadata.findTypeMetadata(target, name) as TypeMetadata | undefined;
  if (validatesNested !== (typeMetadata !== undefined)) {
    unsupported(target, `${name}: @ValidateNested and @Type must come together`);
  }
  const nested =
    typeMetadata === undefined ? null : compile(nestedClassOf(target, name, typeMetadata), inProgress);
  return { name, conditions, constraints, nested };
}

const BUILT_IN_TYPES: readonly unknown[] = [
  String,
  Number,
  Boolean,
  Date,
  Buffer,
  Map,
  Set,
  Array,
  Object,
  Promise,
];

/** The class of a @Type(() => Class) property; anything dynamic or special is not mirrored. */
function nestedClassOf(target: AnyClass, name: string, metadata: TypeMetadata): ClassConstructor<object> {
  if (metadata.options?.discriminator !== undefined) unsupported(target, `${name}: @Type discriminator`);
  if (typeof metadata.typeFunction !== 'function' || metadata.typeFunction.length > 0) {
    unsupported(target, `${name}: @Type function depends on the object`);
  }
  const nested = metadata.typeFunction();
  if (typeof nested !== 'function' || BUILT_IN_TYPES.includes(nested)) {
    unsupported(target, `${name}: @Type is not a DTO class`);
  }
  // Arrays under @Type are created from the reflected design type; only plain arrays are mirrored.
  const reflected: unknown = metadata.reflectedType;
  if (reflected !== undefined && reflected !== Array && reflected !== Object && reflected !== nested) {
    const described = typeof reflected === 'function' ? reflected.name : typeof reflected;
    unsupported(target, `${name}: reflected type ${described}`);
  }
  return nested as ClassConstructor<object>;
}

function assertNoTransformerClassDecorators(target: AnyClass): void {
  if (transformerMetadata.getStrategy(target) !== 'none') unsupported(target, 'class-transformer strategy');
  if (transformerMetadata.getExposedMetadatas(target).length > 0) unsupported(target, '@Expose');
  if (transformerMetadata.getExcludedMetadatas(target).length > 0) unsupported(target, '@Exclude');
}

/** Schemas (registerSchema) add metadata by name that nested validation would also apply. */
function assertNoSchemaMetadata(target: AnyClass): void {
  const byTarget = (getMetadataStorage() as unknown as { validationMetadatas?: unknown }).validationMetadatas;
  if (!(byTarget instanceof Map)) unsupported(target, 'unknown class-validator metadata layout');
  for (const key of byTarget.keys())
    if (typeof key === 'string') unsupported(target, 'validation schemas in use');
}

/**
 * class-transformer starts from `new Target()`; whitelist then sees every own field of that instance,
 * and validators see its defaults. Only classes whose fresh instance holds nothing but unset declared
 * fields are mirrored.
 */
function assertFreshInstanceHasOnlyUnsetDeclaredFields(
  target: ClassConstructor<object>,
  declared: ReadonlyMap<string, PropertyPlan>,
): void {
  let fresh: object;
  try {
    fresh = new target();
  } catch {
    unsupported(target, 'the constructor needs arguments');
  }
  for (const key of Object.keys(fresh)) {
    if (!declared.has(key)) unsupported(target, `field ${key} has no validation decorator`);
    if ((fresh as Record<string, unknown>)[key] !== undefined)
      unsupported(target, `field ${key} has a default`);
  }
  for (const name of declared.keys()) {
    if (
      transformerMetadata.findTransformMetadatas(target, name, TransformationType.PLAIN_TO_CLASS).length > 0
    ) {
      unsupported(target, `${name}: @Transform`);
    }
  }
}
