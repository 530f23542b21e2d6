import { ArgumentMetadata } from '@nestjs/common';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { BadUserInputError } from './errors';
import { validationPipe } from './validation';

class Page {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  first?: number;
}

class Other {
  @IsInt()
  @Max(5)
  first?: number;
}

const as = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype, data: '' });

describe('validationPipe remembers the values that passed, per class', () => {
  it('refuses an invalid value every time, also after a valid one of the same class was remembered', async () => {
    await expect(validationPipe.transform({ first: 20 }, as(Page))).resolves.toEqual({ first: 20 });
    await expect(validationPipe.transform({ first: 20 }, as(Page))).resolves.toBeInstanceOf(Page);
    for (let i = 0; i < 3; i++) await expect(validationPipe.transform({ first: 500 }, as(Page))).rejects.toBeInstanceOf(BadUserInputError);
  });

  it('does not let a value remembered for one class pass another class that refuses it', async () => {
    await expect(validationPipe.transform({ first: 20 }, as(Page))).resolves.toEqual({ first: 20 });
    await expect(validationPipe.transform({ first: 20 }, as(Other))).rejects.toThrow(/first must not be greater than 5/);
  });
});
