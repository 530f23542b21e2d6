import { DatePrecision, expandPartialDate, precisionOf, toDateSpan, toDateSpanColumns } from './date-span';

describe('DateSpan: dates as precisely as the source gives them', () => {
  it.each([
    ['2020-08-24', '2020-08-24', '2020-08-24'],
    ['2020-08', '2020-08-01', '2020-08-31'],
    ['2020-02', '2020-02-01', '2020-02-29'],
    ['2019-02', '2019-02-01', '2019-02-28'],
    ['2017', '2017-01-01', '2017-12-31'],
  ])('expands %s to its first and last day', (value, first, last) => {
    expect(expandPartialDate(value, 'd')).toEqual({ first, last });
  });

  it.each(['2020-13', '2020-02-30', '2021-02-29', '2020-00-10', '20-1-1', 'yesterday'])('rejects %s', (value) => {
    expect(() => expandPartialDate(value, 'started.on')).toThrow(/started\.on/);
  });

  it('keeps the precision of the source and never invents a day', () => {
    expect(toDateSpan(toDateSpanColumns({ on: '2020-10', text: 'in October' }, 's'))).toEqual({
      from: '2020-10-01', to: '2020-10-31', precision: DatePrecision.MONTH, display: '2020-10', text: 'in October',
    });
    expect(toDateSpan(toDateSpanColumns({ on: '2020' }, 's')).display).toBe('2020');
    expect(toDateSpan(toDateSpanColumns({ on: '2020-08-24' }, 's')).precision).toBe(DatePrecision.DAY);
    expect(toDateSpan(toDateSpanColumns({ to: '2019', text: 'since at least 2019' }, 's'))).toEqual({
      from: null, to: '2019-12-31', precision: DatePrecision.RANGE, display: '../2019-12-31', text: 'since at least 2019',
    });
    expect(toDateSpan(toDateSpanColumns({ from: '2020-08-24', to: '2020-10' }, 's')).display).toBe('2020-08-24/2020-10-31');
    expect(toDateSpan(toDateSpanColumns({ text: 'later' }, 's'))).toEqual({
      from: null, to: null, precision: DatePrecision.UNKNOWN, display: null, text: 'later',
    });
  });

  it('recognises a whole month or year given as an interval', () => {
    expect(precisionOf('2020-01-01', '2020-12-31')).toBe(DatePrecision.YEAR);
    expect(precisionOf('2020-03-01', '2020-03-31')).toBe(DatePrecision.MONTH);
    expect(precisionOf('2020-03-01', '2020-04-30')).toBe(DatePrecision.RANGE);
  });

  it('rejects contradictions: both on and from/to, or from after to', () => {
    expect(() => toDateSpanColumns({ on: '2020', from: '2019' }, 'said')).toThrow('said: give either "on" or "from"/"to", not both');
    expect(() => toDateSpanColumns({ from: '2021', to: '2020' }, 'said')).toThrow('said: "from" (2021) is after "to" (2020)');
  });
});
