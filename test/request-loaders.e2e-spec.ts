import { RequestLoaders } from '../src/common/request-loaders';
import { Attribution } from '../src/attributions/attribution.entity';
import { Incident } from '../src/incidents/incident.entity';
import { SourceArticle } from '../src/sources/source-article.entity';
import { Statement } from '../src/statements/statement.entity';
import { StatementCounter } from './support/statement-counter';
import { TestApp, startTestApp } from './support/test-app';

/**
 * The loaders read raw rows through prepared statements and map them to entities from
 * TypeORM's metadata themselves: every entity they return must equal what TypeORM's own
 * hydration returns (embedded date spans, dates, arrays, numbers, the class), and each
 * batch must stay one logged SQL statement, links and their targets included.
 */
describe('request loaders: raw rows, the same entities as TypeORM', () => {
  const counter = new StatementCounter();
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true, sqlLogger: counter })));
  afterAll(() => t.close());

  it('one() returns, for every entity of the schema, what the repository returns', async () => {
    let compared = 0;
    for (const metadata of t.dataSource.entityMetadatas) {
      const primary = metadata.primaryColumns;
      if (primary.length !== 1) continue;
      const repository = t.dataSource.getRepository(metadata.target);
      const rows = await repository.find({ take: 5 });
      if (rows.length === 0) continue;
      const keys = rows.map((row) => String(primary[0].getEntityValue(row)));
      const loaded = await new RequestLoaders(t.dataSource).one(metadata.target, primary[0].propertyName).loadMany(keys);
      expect(loaded).toEqual(rows);
      loaded.forEach((entity) => expect(entity).toBeInstanceOf(metadata.target as new () => unknown));
      compared += 1;
    }
    // The seed fills most of the graph: incidents, attributions, statements, articles, actors, people …
    expect(compared).toBeGreaterThanOrEqual(10);
  });

  it('many() keeps the order asked, through() the targets of each link, each in one statement', async () => {
    const incidents = await t.dataSource.getRepository(Incident).find();
    const ids = incidents.map((i) => i.id);
    const loaders = new RequestLoaders(t.dataSource);
    const before = counter.count;
    const [attributions, statements] = await Promise.all([
      loaders.many(Attribution, 'incidentId', { attributed: { from: 'ASC' }, createdAt: 'ASC' }).loadMany(ids),
      loaders.through(Statement, { table: 'statement_incident', fromColumn: 'incident_id', toColumn: 'statement_id' }).loadMany(ids),
    ]);
    // One statement for all the incidents' attributions, one for their statements (links joined to targets).
    expect(counter.count - before).toBe(2);
    for (const [n, id] of ids.entries()) {
      const expected = await t.dataSource.getRepository(Attribution).find({
        where: { incidentId: id }, order: { attributed: { from: 'ASC' }, createdAt: 'ASC' },
      });
      expect(attributions[n]).toEqual(expected);
      const linked: { statement_id: string }[] = await t.dataSource.query(`SELECT statement_id FROM statement_incident WHERE incident_id = $1`, [id]);
      const expectedStatements = await t.dataSource.getRepository(Statement).findBy(linked.map((l) => ({ id: l.statement_id })));
      const sortById = (list: Statement[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
      expect(sortById(statements[n] as Statement[])).toEqual(sortById(linked.length ? expectedStatements : []));
    }
    expect(statements.flat().length).toBeGreaterThan(0);
  });

  it('absent keys load as null or an empty list, not an error', async () => {
    const loaders = new RequestLoaders(t.dataSource);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await loaders.one(SourceArticle).load(missing)).toBeNull();
    expect(await loaders.many(Attribution, 'incidentId').load(missing)).toEqual([]);
  });
});
