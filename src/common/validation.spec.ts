import { BadUserInputError } from './errors';
import { PageArgs } from './pagination';
import { validationPipe } from './validation';

const asArgs = { type: 'body' as const, metatype: PageArgs, data: undefined };

/** The validation pipe remembers flat arguments it found valid, and nothing else. */
describe('validationPipe', () => {
  it('answers a remembered argument with a fresh instance equal to what it built the first time', async () => {
    const first = (await validationPipe.transform({ first: 7 }, asArgs)) as PageArgs;
    expect(first).toBeInstanceOf(PageArgs);
    first.first = 99; // a resolver changing its copy changes nobody else's
    const second = (await validationPipe.transform({ first: 7 }, asArgs)) as PageArgs;
    expect(second).toBeInstanceOf(PageArgs);
    expect(second).not.toBe(first);
    expect({ ...second }).toEqual({ first: 7 });
  });

  it('refuses an invalid argument every time it comes, remembered or not', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(validationPipe.transform({ first: 0 }, asArgs)).rejects.toThrow(BadUserInputError);
      await expect(validationPipe.transform({ first: 201 }, asArgs)).rejects.toThrow(/first/);
    }
    // A valid set remembered does not make a near one valid.
    await validationPipe.transform({ first: 200 }, asArgs);
    await expect(validationPipe.transform({ first: 200, last: 0 }, asArgs)).rejects.toThrow(/last/);
  });
});
