/**
 * Property-based fuzz (fast-check) over every mutation in schema.graphql (issue 12 §7):
 * broken inputs — wrong types, huge strings, NUL bytes, lone surrogates, odd dates, unknown
 * and real ids, empty values, unknown enum values and fields — never give a server fault,
 * and a mutation that fails writes nothing (the row count of every table is unchanged).
 * RUNS_PER_MUTATION runs per mutation (10 each, 440 in all); a failure prints the seed to replay it with FUZZ_SEED.
 */
import fc from 'fast-check';
import {
  GraphQLArgument, GraphQLField, GraphQLInputType, buildSchema, getNamedType, isCompositeType, isEnumType,
  isInputObjectType, isListType, isNonNullType, isScalarType,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestApp, startTestApp } from './support/test-app';

/**
 * Runs per mutation: 10 in the suite (4 wild: anything broken anywhere; 6 plausible: mostly
 * valid, so the services' own checks and SQL run). FUZZ_RUNS=n runs n per mutation in the same
 * proportion, for a deeper run by hand (FUZZ_RUNS=364: about 16,000 runs, the review's count).
 */
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 10;
if (!Number.isInteger(RUNS) || RUNS < 2) throw new Error(`FUZZ_RUNS must be a whole number of at least 2, got ${process.env.FUZZ_RUNS}`);
const RUNS_PER_MUTATION = { wild: Math.round(RUNS * 0.4), plausible: RUNS - Math.round(RUNS * 0.4) };
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const schema = buildSchema(readFileSync(join(process.cwd(), 'schema.graphql'), 'utf8'));
const mutations = Object.values(schema.getMutationType()!.getFields());

/** Text that PostgreSQL, the validators or the date parsers may trip over. */
const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '', ' ', '\u0000', 'a\u0000b', '\ud800', 'tail \udfff', '\ud83d\ude00', 'x'.repeat(600), 'y'.repeat(100_000),
    '0000', '0000-01-01', '10000-01-01', '2020-13', '2020-02-30', '9999-12-31', '-0001-01-01', '2020-10-13T25:00:00Z',
    'T1110', 'T9999.999', 'GRU', 'APT28', 'NO', 'Russia', 'xx', 'en', 'not a tag!', 'https://example.org/report',
    'javascript:alert(1)', "'; DROP TABLE incident; --", '%00', '\\u0000', '{"a":1}', '<b>html</b>',
  ),
);

const oddDateTime = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('0000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '2020-02-30T00:00:00Z', '2020-10-13', 'yesterday', ''),
);

const oddInt = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, 100, 101, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1.5),
);

/** Values a client would send, so that a run gets past validation into the services and SQL. */
const plausibleText = fc.constantFrom(
  'Energy', 'Government', 'APT28', 'Fancy Bear', 'GRU', 'NO', 'Norway', 'RU', 'en', 'nb-NO', 'T1110', '2020', '2020-10',
  '2020-08-24', 'since at least 2019', 'The intrusion was carried out by APT28', 'https://example.org/report',
);

/** How broken a run's values are: weights of a plausible, an odd, a null and a wrongly typed value. */
interface Mode { plausible: number; odd: number; nulls: number; wrong: number }
const WILD: Mode = { plausible: 1, odd: 6, nulls: 1, wrong: 1 };
const PLAUSIBLE: Mode = { plausible: 12, odd: 1, nulls: 1, wrong: 0 };

/** Values of the wrong GraphQL type altogether. */
const wrongType = fc.oneof(fc.constant(42), fc.constant(true), fc.constant({ nested: 'object' }), fc.constant([1, 2]), fc.constant('text'));

function valueOf(type: GraphQLInputType, ids: string[], mode: Mode, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) {
    return fc.oneof({ weight: 20, arbitrary: valueOf(type.ofType, ids, mode, depth) }, { weight: mode.nulls, arbitrary: fc.constant(null) });
  }
  const maybeNull = (arbitrary: fc.Arbitrary<unknown>) => fc.oneof(
    { weight: 8, arbitrary },
    { weight: mode.nulls, arbitrary: fc.constant(null) },
    { weight: mode.wrong, arbitrary: wrongType },
  );
  const text = fc.oneof({ weight: mode.plausible, arbitrary: plausibleText }, { weight: mode.odd, arbitrary: oddText });
  if (isListType(type)) {
    const item = valueOf(type.ofType, ids, mode, depth + 1);
    return maybeNull(fc.oneof(fc.array(item, { maxLength: 3 }), item));
  }
  if (isEnumType(type)) return maybeNull(fc.constantFrom(...type.getValues().map((v) => v.name), 'NOT_A_VALUE', ''));
  if (isInputObjectType(type)) {
    if (depth > 3) return fc.constant(null);
    const fields = Object.values(type.getFields());
    const record = fc.record(
      Object.fromEntries(fields.map((field) => [field.name, valueOf(field.type, ids, mode, depth + 1)])),
      { requiredKeys: [] },
    );
    return maybeNull(fc.oneof(
      { weight: 8, arbitrary: record },
      { weight: mode.wrong, arbitrary: record.map((r) => ({ ...r, unknownField: 'surplus' })) },
      { weight: mode.nulls, arbitrary: fc.constant({}) },
    ));
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return maybeNull(fc.oneof(
          { weight: mode.plausible * 2, arbitrary: fc.constantFrom(...ids) },
          { weight: mode.odd + 1, arbitrary: fc.uuid() },
          { weight: mode.odd, arbitrary: fc.constantFrom('not-a-uuid', '', '00000000-0000-0000-0000-000000000000') },
          { weight: mode.odd, arbitrary: oddText },
        ));
      case 'Int':
        return maybeNull(oddInt);
      case 'Float':
        return maybeNull(fc.oneof(fc.double({ noNaN: true }), oddInt));
      case 'Boolean':
        return maybeNull(fc.boolean());
      case 'DateTime':
        return maybeNull(oddDateTime);
      default:
        return maybeNull(text);
    }
  }
  throw new Error(`No generator for ${String(type)}`);
}

/** Arguments of one call: each given or left out (a required one left out is one more broken input). */
function argumentsOf(field: GraphQLField<unknown, unknown>, ids: string[], mode: Mode): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.fromEntries(field.args.map((arg: GraphQLArgument) => [arg.name, valueOf(arg.type, ids, mode)]));
  return fc.record(entries, { requiredKeys: field.args.filter((a) => isNonNullType(a.type)).map((a) => a.name) });
}

function operationOf(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): string {
  const given = field.args.filter((arg) => arg.name in args);
  const variables = given.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const call = given.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `mutation${variables ? ` (${variables})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
}

describe('fuzz: broken inputs to every mutation give no server fault and write nothing', () => {
  let t: TestApp;
  let ids: string[];
  let countAll: string;
  const outcomes = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    const tables: { table_name: string }[] = await t.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    countAll = `SELECT ${tables.map(({ table_name }) => `(SELECT count(*) FROM "${table_name}")::int AS "${table_name}"`).join(', ')}`;
    const idTables = ['incident', 'threat_actor', 'campaign', 'organization', 'person', 'source_article', 'statement', 'attribution', 'incident_target'];
    const rows: { id: string }[] = await t.dataSource.query(
      idTables.map((table) => `(SELECT id::text FROM "${table}" LIMIT 3)`).join(' UNION ALL '),
    );
    ids = rows.map((row) => row.id);
  });
  afterAll(async () => {
    const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
    const serverErrors = [...outcomes].filter(([codes]) => codes.split('+').includes('INTERNAL_SERVER_ERROR')).reduce((n, [, runs]) => n + runs, 0);
    console.log(`mutation fuzz: ${total} runs over ${mutations.length} mutations, ${serverErrors} INTERNAL_SERVER_ERROR; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
    await t.close();
  });

  it('the schema has mutations to fuzz', () => {
    expect(mutations.length).toBeGreaterThan(20);
  });

  it.each(mutations.map((field) => [field.name, field] as const))('%s', async (_name, field) => {
    const property = (mode: Mode) => fc.asyncProperty(argumentsOf(field, ids, mode), async (args) => {
      const [before] = await t.dataSource.query(countAll);
      const res = await t.gql(operationOf(field, args), args);
      const codes = [...new Set((res.errors ?? []).map((e) => String(e.extensions?.code)))];
      const outcome = codes.length ? codes.join('+') : 'OK';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      expect(res.status).toBeLessThan(500);
      expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
      expect(codes).not.toContain('undefined');
      if (codes.length) {
        const [after] = await t.dataSource.query(countAll);
        expect(after).toEqual(before);
      }
    });
    await fc.assert(property(WILD), { numRuns: RUNS_PER_MUTATION.wild, seed: SEED, endOnFailure: true });
    await fc.assert(property(PLAUSIBLE), { numRuns: RUNS_PER_MUTATION.plausible, seed: SEED, endOnFailure: true });
  }, Math.max(60_000, RUNS * 2_000));
});
