import { parseAsOf } from './as-of';

describe('parseAsOf: recording time, as a date or a timestamp with a zone', () => {
  it('reads a date as the end of that day (UTC) and a timestamp as given', () => {
    expect(parseAsOf('2020-10-13')!.toISOString()).toBe('2020-10-13T23:59:59.999Z');
    expect(parseAsOf('2020-10-13T12:30:00Z')!.toISOString()).toBe('2020-10-13T12:30:00.000Z');
    expect(parseAsOf('2020-10-13T12:30+02:00')!.toISOString()).toBe('2020-10-13T10:30:00.000Z');
    expect(parseAsOf(' 2024-02-29T00:00:00.123456Z ')!.toISOString()).toBe('2024-02-29T00:00:00.123Z');
    expect(parseAsOf(undefined)).toBeNull();
  });

  it.each(['yesterday', '2020-10', '2020-02-30', '2020-10-13T12:00:00', '2020-10-13 12:00Z', '2020-10-13T25:00Z', '13/10/2020', ''])(
    'refuses %p with a message naming both accepted forms',
    (value) => {
      expect(() => parseAsOf(value)).toThrow(/asOf must be a date \(2020-10-13.*or a timestamp with a time zone/);
    },
  );
});
