import { copyData, isCopiedAsIs, isDataRecord, MAX_DEPTH, NOT_MIRRORED, type DataMode } from './plain-data';
import type { ConstraintPlan, DtoPlan, PropertyPlan } from './validation-plan';

/*
 * A DTO plan turned into two straight-line JavaScript functions (one statement per property and
 * constraint, property names as literals), generated once per class:
 *  - build: what class-transformer's plainToInstance returns, or NOT_MIRRORED when that is not certain
 *    (an undeclared key, a value it converts, see plain-data.ts);
 *  - check: what class-validator's validateSync decides on that instance (ValidationExecutor 0.14 with
 *    whitelist, forbidNonWhitelisted, forbidUnknownValues): the same conditions (IsOptional,
 *    ValidateIf), the same constraint objects called with the same arguments, the same nesting rules.
 *    True only when every constraint returned exactly `true`.
 * The generic interpretation of the plan costs several times more (megamorphic keyed property access);
 * the generated code only embeds property names, JSON-quoted, and refers to everything else by index.
 */

export interface GeneratedValidator {
  build(plain: unknown, mode: DataMode, depth: number): object | typeof NOT_MIRRORED;
  check(instance: object): boolean;
}

const generatedByPlan = new WeakMap<DtoPlan, GeneratedValidator>();

export function generatedValidator(plan: DtoPlan): GeneratedValidator {
  let generated = generatedByPlan.get(plan);
  if (generated === undefined) {
    generated = generate(plan);
    generatedByPlan.set(plan, generated);
  }
  return generated;
}

/** A @Type property's value as class-transformer builds it: instances of the nested class. */
function buildNested(nested: DtoPlan, value: unknown, mode: DataMode, depth: number): unknown {
  if (value === undefined || value === null) return value;
  const validator = generatedValidator(nested);
  if (!Array.isArray(value)) return validator.build(value, mode, depth);
  if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_MIRRORED;
  const items: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) return NOT_MIRRORED;
    const built = validator.build(value[i], mode, depth + 1);
    if (built === NOT_MIRRORED) return NOT_MIRRORED;
    items.push(built);
  }
  return items;
}

/** ValidateNested on an instance's value: absent passes, arrays item by item, objects as their class. */
function nestedHolds(nested: DtoPlan, value: unknown): boolean {
  if (value === undefined) return true;
  const validator = generatedValidator(nested);
  if (!Array.isArray(value)) return value instanceof nested.target && validator.check(value);
  for (const item of value as unknown[]) {
    if (!(item instanceof nested.target) || !validator.check(item)) return false;
  }
  return true;
}

class SourceWriter {
  readonly deps: unknown[] = [];
  readonly lines: string[] = [];
  private names = 0;

  /** A fresh local variable name. */
  local(prefix: string): string {
    this.names += 1;
    return `${prefix}${this.names}`;
  }

  /** A name for `value` in the generated code. */
  dep(value: unknown): string {
    this.deps.push(value);
    return `d[${this.deps.length - 1}]`;
  }

  line(text: string): void {
    this.lines.push(text);
  }
}

function generate(plan: DtoPlan): GeneratedValidator {
  const out = new SourceWriter();
  const NOT = out.dep(NOT_MIRRORED);
  const shared = {
    isDataRecord: out.dep(isDataRecord),
    copyData: out.dep(copyData),
    isCopiedAsIs: out.dep(isCopiedAsIs),
    buildNested: out.dep(buildNested),
    nestedHolds: out.dep(nestedHolds),
    target: out.dep(plan.target),
    targetName: out.dep(plan.targetName),
  };

  out.line('function build(plain, mode, depth) {');
  out.line(`  if (depth > ${MAX_DEPTH} || !${shared.isDataRecord}(plain)) return ${NOT};`);
  out.line('  const keys = Object.keys(plain);');
  out.line('  for (let i = 0; i < keys.length; i++) {');
  out.line('    switch (keys[i]) {');
  for (const property of plan.properties) out.line(`      case ${JSON.stringify(property.name)}:`);
  out.line('        break;');
  out.line(`      default: return ${NOT};`);
  out.line('    }');
  out.line('  }');
  out.line(`  const o = new ${shared.target}();`);
  out.line('  let v;');
  for (const property of plan.properties) writeBuildProperty(out, property, shared, NOT);
  out.line('  return o;');
  out.line('}');

  out.line('function check(o) {');
  out.line('  let v;');
  for (const property of plan.properties) writeCheckProperty(out, property, shared);
  out.line('  return true;');
  out.line('}');
  out.line('return { build, check };');

  // Property names come from our own decorators' metadata and are embedded JSON-quoted; every other
  // value is passed in `d`.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('d', `"use strict";\n${out.lines.join('\n')}`) as (
    deps: unknown[],
  ) => GeneratedValidator;
  return factory(out.deps);
}

interface SharedNames {
  copyData: string;
  isCopiedAsIs: string;
  buildNested: string;
  nestedHolds: string;
  targetName: string;
}

function writeBuildProperty(
  out: SourceWriter,
  property: PropertyPlan,
  shared: SharedNames,
  NOT: string,
): void {
  const key = JSON.stringify(property.name);
  // An absent key reads undefined, which is what the fresh instance already holds (checked in the plan).
  out.line(`  v = plain[${key}];`);
  if (property.nested !== null) {
    out.line(`  v = ${shared.buildNested}(${out.dep(property.nested)}, v, mode, depth + 1);`);
    out.line(`  if (v === ${NOT}) return ${NOT};`);
  } else {
    out.line(`  if (mode === 'copy') {`);
    out.line(`    v = ${shared.copyData}(v, depth + 1);`);
    out.line(`    if (v === ${NOT}) return ${NOT};`);
    out.line(`  } else if (!${shared.isCopiedAsIs}(v, depth + 1)) return ${NOT};`);
  }
  out.line(`  o[${key}] = v;`);
}

function writeCheckProperty(out: SourceWriter, property: PropertyPlan, shared: SharedNames): void {
  const key = JSON.stringify(property.name);
  out.line(`  v = o[${key}];`);
  // class-validator evaluates every condition, then skips the property unless all were truthy.
  const conditions = property.conditions.map((condition) => {
    const name = out.local('condition');
    out.line(`  const ${name} = ${out.dep(condition)}(o, v);`);
    return name;
  });
  out.line(conditions.length > 0 ? `  if (${conditions.join(' && ')}) {` : '  {');
  for (const constraint of property.constraints) writeConstraint(out, key, constraint, shared);
  if (property.nested !== null) {
    out.line(`    if (!${shared.nestedHolds}(${out.dep(property.nested)}, v)) return false;`);
  }
  out.line('  }');
}

function writeConstraint(
  out: SourceWriter,
  key: string,
  constraint: ConstraintPlan,
  shared: SharedNames,
): void {
  const validator = out.dep(constraint.validator);
  const args = `{ targetName: ${shared.targetName}, property: ${key}, object: o, value: v, constraints: ${out.dep(constraint.constraints)} }`;
  const sufficient = constraint.sufficient === undefined ? null : out.dep(constraint.sufficient);
  const passes = (item: string, argsExpression: string): string =>
    sufficient === null
      ? `(${validator}.validate(${item}, ${argsExpression}) === true)`
      : `(${sufficient}(${item}) || ${validator}.validate(${item}, ${argsExpression}) === true)`;
  if (!constraint.each) {
    out.line(`    if (!${passes('v', args)}) return false;`);
    return;
  }
  // `each`: every item of an array, with the same arguments (value: the whole array); else the value.
  out.line('    if (Array.isArray(v)) {');
  out.line(`      const args = ${args};`);
  out.line(`      for (const item of v) if (!${passes('item', 'args')}) return false;`);
  out.line(`    } else if (!${passes('v', args)}) return false;`);
}
