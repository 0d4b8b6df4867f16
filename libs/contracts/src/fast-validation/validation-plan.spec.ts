import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { setFastValidation, validatePlain } from '../validation';
import { acceptedInstance } from './fast-validator';
import { whyNoPlan } from './validation-plan';

class Leaf {
  @IsString() name!: string;
}

class WithTransform {
  @Transform(({ value }: { value: unknown }) => String(value)) @IsString() name!: string;
}

class TypeWithoutNested {
  @IsString() name!: string;
  @IsOptional() @Type(() => Leaf) leaf!: Leaf;
}

class NestedWithoutType {
  @ValidateNested() leaf!: Leaf;
}

class WithDefault {
  @IsString() priority = 'normal';
}

class WithUndecoratedField {
  @IsString() name!: string;
  note?: string = undefined;
}

class Undecorated {
  name!: string;
}

class ShadowedByPrototype {
  @IsString() name!: string;
}
// class-transformer skips a key that has a getter without a setter on the prototype.
Object.defineProperty(ShadowedByPrototype.prototype, 'name', { get: () => 'from the prototype' });

@ValidatorConstraint({ name: 'slow', async: true })
class AsyncConstraint implements ValidatorConstraintInterface {
  validate(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

class WithAsyncConstraint {
  @Validate(AsyncConstraint) name!: string;
}

class Tree {
  @IsInt() value!: number;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Tree) children?: Tree[];
}

function sameAsReference(dto: new () => object, value: object): void {
  const fast = validatePlain(dto, value);
  setFastValidation(false);
  try {
    expect(fast).toStrictEqual(validatePlain(dto, value));
  } finally {
    setFastValidation(true);
  }
}

describe('validation plans', () => {
  it.each([
    ['@Transform', WithTransform, /@Transform/],
    ['@Type without @ValidateNested', TypeWithoutNested, /must come together/],
    ['@ValidateNested without @Type', NestedWithoutType, /must come together/],
    ['a field with a default', WithDefault, /has a default/],
    ['a field without decorators', WithUndecoratedField, /has no validation decorator/],
    ['no decorators at all', Undecorated, /no validation metadata/],
    ['a property also defined on its prototype', ShadowedByPrototype, /prototype/],
    ['an async constraint', WithAsyncConstraint, /async/],
  ] as [string, new () => object, RegExp][])(
    'a class with %s gets no plan, so class-validator decides',
    (_, dto, reason) => {
      expect(whyNoPlan(dto)).toMatch(reason);
      expect(acceptedInstance(dto, { name: 'x' }, 'copy')).toBeUndefined();
      sameAsReference(dto, { name: 'x', priority: 'high', leaf: { name: 'y' } });
      sameAsReference(dto, {});
    },
  );

  it('plans a class that nests itself', () => {
    expect(whyNoPlan(Tree)).toBeNull();
    const tree = { value: 1, children: [{ value: 2, children: [{ value: 3 }] }, { value: 4 }] };
    const accepted = acceptedInstance(Tree, tree, 'copy');
    expect(accepted).toBeInstanceOf(Tree);
    expect(accepted?.children?.[0].children?.[0]).toBeInstanceOf(Tree);
    sameAsReference(Tree, tree);
    const bad = { value: 1, children: [{ value: 2, children: [{ value: 'three' }] }] };
    expect(acceptedInstance(Tree, bad, 'copy')).toBeUndefined();
    sameAsReference(Tree, bad);
  });
});
