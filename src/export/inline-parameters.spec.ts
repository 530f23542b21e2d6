import { inlineParameters, literal } from './inline-parameters';

describe('inlineParameters: filter values written into a COPY statement', () => {
  it('replaces $n outside literals, identifiers and comments with escaped literals', () => {
    expect(
      inlineParameters(`SELECT '$1', "$2", x FROM t -- $1\nWHERE a = $1 AND b = ANY($2::uuid[]) /* $2 */ AND c = $10`, [
        "O'Brien", ['a', 'b"c'], 1, 2, 3, 4, 5, 6, 7, 70,
      ]),
    ).toBe(`SELECT '$1', "$2", x FROM t -- $1\nWHERE a = 'O''Brien' AND b = ANY( E'{"a","b\\\\"c"}'::uuid[]) /* $2 */ AND c = '70'`);
  });

  it('escapes backslashes (E literal), writes null as NULL and refuses NUL', () => {
    expect(literal('a\\b')).toBe(" E'a\\\\b'");
    expect(literal(null)).toBe('NULL');
    expect(literal(true)).toBe("'true'");
    expect(() => literal('x\0y')).toThrow(/cannot be stored/);
  });

  it('skips E-string escapes and doubled quotes when looking for parameters', () => {
    expect(inlineParameters(`SELECT E'it\\'s $1', 'it''s $1', $1`, ['v'])).toBe(`SELECT E'it\\'s $1', 'it''s $1', 'v'`);
  });

  it('refuses a parameter it has no value for, and dollar quoting', () => {
    expect(() => inlineParameters('SELECT $2', ['only one'])).toThrow(/no value for \$2/);
    expect(() => inlineParameters('SELECT $$x$$', [])).toThrow(/dollar-quoted/);
  });
});
