import { escapeLiteral } from 'pg';
import { BadUserInputError } from '../common/errors';

/**
 * `COPY (query) TO STDOUT` takes no bind parameters, so the filter's parameters ($1, $2 … as
 * TypeORM numbers them) are written into the query as quoted literals. A quoted literal is
 * what node-postgres sends a parameter as: text of unspecified type (OID 0), which PostgreSQL
 * types from its context exactly as it types `$n`; so `attribution.confidence >= '70'`,
 * `ARRAY['…']::uuid[]` and `daterange(CAST('2020-01-01' AS date), …)` mean what they meant with
 * parameters. Values are escaped by node-postgres's `escapeLiteral` (quotes doubled, an E''
 * literal when there is a backslash), never pasted raw. Only `$n` outside quoted literals,
 * quoted identifiers and comments is replaced.
 */
export function inlineParameters(sql: string, parameters: readonly unknown[]): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === "'" || ch === '"') {
      // A quoted literal or identifier, a doubled quote inside it included; E'…' also skips backslash escapes.
      const escapes = ch === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new Error('inlineParameters: unterminated quote in SQL');
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === ch && sql[j + 1] === ch) j += 2;
        else if (sql[j] === ch) break;
        else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const j = end < 0 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Error('inlineParameters: unterminated comment in SQL');
      out += sql.slice(i, end + 2);
      i = end + 2;
    } else if (ch === '$' && /\d/.test(next ?? '') && !/[\w$]/.test(sql[i - 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /\d/.test(sql[j])) j++;
      const index = Number(sql.slice(i + 1, j)) - 1;
      if (index < 0 || index >= parameters.length) throw new Error(`inlineParameters: no value for ${sql.slice(i, j)}`);
      out += literal(parameters[index]);
      i = j;
    } else if (ch === '$') {
      // Dollar quoting ($$…$$, $tag$…$tag$) is not used by the list queries; refuse rather than misread it.
      if (/^\$(?:[A-Za-z_]\w*)?\$/.test(sql.slice(i)) && !/[\w$]/.test(sql[i - 1] ?? '')) {
        throw new Error('inlineParameters: dollar-quoted strings are not supported');
      }
      out += ch;
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** A parameter as node-postgres would send it (its `prepareValue`), as an SQL literal; NULL for null. */
export function literal(value: unknown): string {
  const text = asText(value);
  if (text === null) return 'NULL';
  // PostgreSQL cannot store NUL in text (a parameter holding one fails with 22021); in query text it would end the query.
  if (text.includes('\0')) throw new BadUserInputError('A text contains a character that cannot be stored (NUL or invalid UTF-8)');
  return escapeLiteral(text);
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return JSON.stringify(value);
}

/** A PostgreSQL array literal ({"a","b",NULL}), every element quoted, as node-postgres writes arrays. */
function arrayLiteral(values: unknown[]): string {
  const elements = values.map((value) => {
    if (Array.isArray(value)) return arrayLiteral(value);
    const text = asText(value);
    return text === null ? 'NULL' : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${elements.join(',')}}`;
}
