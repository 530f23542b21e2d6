import { TestApp, startTestApp } from './support/test-app';

/**
 * The statement list's speakerRole filter: a statement matches by the role recorded on it or by
 * its speaker's role, any case, the text anywhere in the role. The list reads the matching roles
 * and people first and counts the two disjoint parts separately (StatementService): here every
 * answer is checked against the rows, computed in JavaScript.
 */

const STATEMENTS = `query ($filter: StatementFilter, $first: Int, $after: String) {
  statements(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } }
}`;

interface Row {
  id: string;
  role: string | null;
  personRole: string | null;
  stance: string;
}

describe('statements(filter: { speakerRole })', () => {
  let t: TestApp;
  const rows: Row[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const personRoles = ['Foreign Minister', 'deputy FOREIGN minister', 'Minister of Defence', null, 'Spokesperson'];
    const people: { id: string; role: string | null }[] = [];
    for (const [i, role] of personRoles.entries()) {
      const [person]: { id: string }[] = await t.dataSource.query(
        `INSERT INTO person (name, role) VALUES ($1, $2) RETURNING id::text AS id`, [`Speaker ${i}`, role],
      );
      people.push({ id: person.id, role });
    }
    // Every pair of (own role, speaker's role), including both matching, neither, and no role at all.
    const ownRoles = ['Foreign Minister', 'former foreign minister', 'Norwegian Foreign Minister', 'Ambassador', null, '100% minister_'];
    const stances = ['CONDEMNS', 'ACCUSES'];
    let n = 0;
    for (const person of people) {
      for (const role of ownRoles) {
        const stance = stances[n++ % stances.length];
        const [statement]: { id: string }[] = await t.dataSource.query(
          `INSERT INTO statement (speaker_person_id, speaker_role, summary, stance, said_from, said_to)
           VALUES ($1, $2, $3, $4, $5, $5) RETURNING id::text AS id`,
          [person.id, role, `statement ${n}`, stance, n % 4 === 0 ? null : `2020-01-${String((n % 28) + 1).padStart(2, '0')}`],
        );
        rows.push({ id: statement.id, role, personRole: person.role, stance });
      }
    }
  });
  afterAll(() => t.close());

  const expected = (text: string, stance?: string) =>
    rows
      .filter((r) => [r.role, r.personRole].some((role) => role?.toLowerCase().includes(text.toLowerCase())))
      .filter((r) => !stance || r.stance === stance)
      .map((r) => r.id)
      .sort();

  async function allPages(filter: Record<string, unknown>): Promise<{ ids: string[]; counts: number[] }> {
    const ids: string[] = [];
    const counts: number[] = [];
    let after: string | null = null;
    do {
      const { statements }: any = await t.data(STATEMENTS, { filter, first: 4, after });
      counts.push(statements.totalCount);
      ids.push(...statements.nodes.map((s: { id: string }) => s.id));
      after = statements.pageInfo.hasNextPage ? statements.pageInfo.endCursor : null;
    } while (after);
    return { ids, counts };
  }

  it.each([
    ['foreign minister', undefined],
    ['FOREIGN MINISTER', 'CONDEMNS'],
    ['minister', undefined],
    ['norwegian', undefined],
    ['Spokes', 'ACCUSES'],
    ['100% minister_', undefined],
    ['% minister', undefined],
    ['nobody has this role', undefined],
  ])('%s (stance %s): the statements matching by their own or their speaker\'s role, counted exactly', async (text, stance) => {
    const want = expected(text, stance);
    const { ids, counts } = await allPages({ speakerRole: text, ...(stance ? { stance } : {}) });
    expect([...ids].sort()).toEqual(want);
    expect(new Set(ids).size).toBe(ids.length);
    // Every page's totalCount is the whole list's (pages of 4: counted, not the page's own length).
    for (const count of counts) expect(count).toBe(want.length);
  });

  it('a statement matching both ways is counted once', async () => {
    const both = rows.filter((r) => r.role === 'Foreign Minister' && r.personRole === 'Foreign Minister');
    expect(both).toHaveLength(1);
    const { statements } = await t.data(STATEMENTS, { filter: { speakerRole: 'foreign minister' }, first: 1 });
    expect(statements.totalCount).toBe(expected('foreign minister').length);
  });
});
