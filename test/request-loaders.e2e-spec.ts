import { Selection, declaredRelations, giveArguments, isPlainField, loadRelation } from '../src/common/lookahead';
import { Page } from '../src/common/pagination';
import { RequestLoaders } from '../src/common/request-loaders';
import { runSql } from '../src/common/entity-reader';
import { Attribution } from '../src/attributions/attribution.entity';
import { Incident } from '../src/incidents/incident.entity';
import { SourceArticle } from '../src/sources/source-article.entity';
import { Organization } from '../src/organizations/organization.entity';
import { Person } from '../src/people/person.entity';
import { Statement, StatementSource } from '../src/statements/statement.entity';
import { StatementCounter } from './support/statement-counter';
import { TestApp, startTestApp } from './support/test-app';
import { Pool } from 'pg';

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

  it('look-ahead: every declared relation, read with its parents as JSON, equals what its loader reads, with no statement of its own', async () => {
    let compared = 0;
    for (const { typeName, relation } of declaredRelations()) {
      // Connections read ahead: the test below.
      if (relation.kind === 'page') continue;
      const metadata = t.dataSource.entityMetadatas.find((m) => (m.target as { name?: string }).name === typeName);
      // Relations of GraphQL types that are not tables (claims, suggestions) are never read ahead.
      if (!metadata || metadata.primaryColumns.length !== 1) continue;
      const primary = metadata.primaryColumns[0];
      const parents = await t.dataSource.getRepository(metadata.target).find({ take: 20 });
      if (parents.length === 0) continue;
      const keys = parents.map((row) => String(primary.getEntityValue(row)));

      const ahead = new RequestLoaders(t.dataSource);
      // The operation asks for every property of the related rows (reads only what is selected: below).
      const target = t.dataSource.getMetadata(relation.target());
      const targetName = (target.target as { name: string }).name;
      const selection: Selection = new Map([[targetName, new Set(target.columns.map((c) => c.propertyPath.split('.')[0]))]]);
      selection.set(typeName, new Set([...(selection.get(typeName) ?? []), relation.field]));
      ahead.lookAhead(selection);
      const loaded = (await ahead.one(metadata.target, primary.propertyName).loadMany(keys)) as object[];
      const before = counter.count;
      const primed = await Promise.all(loaded.map((parent) => loadRelation(ahead, relation, parent)));
      expect({ relation: `${typeName}.${relation.field}`, statements: counter.count - before }).toEqual({ relation: `${typeName}.${relation.field}`, statements: 0 });

      const plain = new RequestLoaders(t.dataSource);
      const expected = await Promise.all(loaded.map((parent) => loadRelation(plain, relation, parent)));
      // A link table without a sort promises no order, neither way: compared as sets.
      const unordered = (lists: unknown[]) =>
        relation.kind === 'through' && !relation.sort
          ? lists.map((list) => [...(list as object[])].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)))
          : lists;
      expect(unordered(primed)).toEqual(unordered(expected));
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(25);
  });

  it('look-ahead nests: statements with their speakers and sources, the sources with their articles, in one statement', async () => {
    const statements = await t.dataSource.getRepository(Statement).find({ take: 20 });
    const ids = statements.map((s) => s.id);
    const ahead = new RequestLoaders(t.dataSource);
    ahead.lookAhead(new Map([
      ['Statement', new Set(['speakerPerson', 'speakerOrganization', 'sources'])],
      ['StatementSource', new Set(['excerpt', 'article'])],
    ]) as Selection);
    const before = counter.count;
    const loaded = (await ahead.one(Statement).loadMany(ids)) as Statement[];
    const answer = async (loaders: RequestLoaders, statement: Statement) => {
      const sources = (await loaders.many(StatementSource, 'statementId', { sourceArticleId: 'ASC' }).load(statement.id));
      return {
        person: statement.speakerPersonId ? await loaders.one(Person).load(statement.speakerPersonId) : null,
        organization: statement.speakerOrganizationId ? await loaders.one(Organization).load(statement.speakerOrganizationId) : null,
        sources: await Promise.all(sources.map(async (source) => ({ source, article: await loaders.one(SourceArticle).load(source.sourceArticleId) }))),
      };
    };
    const primed = await Promise.all(loaded.map((statement) => answer(ahead, statement)));
    expect(counter.count - before).toBe(1);
    expect(counter.recent[counter.recent.length - 1]).toContain('json_build_array');
    const plain = new RequestLoaders(t.dataSource);
    expect(primed).toEqual(await Promise.all(loaded.map((statement) => answer(plain, statement))));
    expect(primed.some((p) => p.sources.length > 0 && p.sources[0].article)).toBe(true);
  });

  it('knows which fields only read their own column: Nest\'s property fields, not @ResolveField ones', () => {
    expect(isPlainField('Person', 'name')).toBe(true);
    expect(isPlainField('StatementSource', 'excerpt')).toBe(true);
    // Computed from more than the title (a reference without one shows its URL); declared with @Reads.
    expect(isPlainField('SourceArticle', 'title')).toBe(false);
    expect(isPlainField('SourceArticle', 'retrieved')).toBe(false);
    expect(isPlainField('Statement', 'said')).toBe(false);
  });

  it('look-ahead reads only the columns the selected fields need, and the answers stay the same', async () => {
    const [{ id }] = await t.dataSource.query(
      `SELECT si.incident_id AS id FROM statement_incident si GROUP BY si.incident_id ORDER BY count(*) DESC LIMIT 1`,
    );
    const ask = async (articleFields: string) => {
      const before = counter.count;
      const data = await t.data(`query ($id: ID!) { incident(id: $id) { statements(first: 200) { nodes {
        speakerPerson { name } sources { excerpt article { ${articleFields} } } } } } }`, { id });
      const page = counter.recent.slice(before - counter.count).find((q) => q.includes('json_build_array'));
      return { data, page: page ?? '' };
    };
    const trimmed = await ask('title');
    const whole = await ask('title retrieved');
    // title reads title and url (its @Reads); retrieved is computed without a declaration: every column.
    // The statements' page is read inside the incident's statement (la1_0), its speakers and sources
    // under it (la2_*), the sources' articles under those (la3_0).
    const articleColumns = (sql: string) => /json_build_array\((la3_0\.[^()]*)\)/.exec(sql)?.[1] ?? '';
    expect(articleColumns(trimmed.page)).toBe('la3_0."id", la3_0."url", la3_0."title"');
    expect(articleColumns(whole.page)).toContain('la3_0."body"');
    expect(trimmed.page).toMatch(/json_build_array\(la2_0\."id", la2_0\."name"\)/);
    const titles = (data: any) => data.incident.statements.nodes.map((s: any) => s.sources.map((x: any) => x.article.title));
    expect(titles(trimmed.data)).toEqual(titles(whole.data));
    expect(titles(trimmed.data).flat().length).toBeGreaterThan(0);
  });

  it('over the API: one incident with its statements, speakers and sources costs the incident and the page, nothing per relation', async () => {
    const [{ id }] = await t.dataSource.query(
      `SELECT si.incident_id AS id FROM statement_incident si GROUP BY si.incident_id ORDER BY count(*) DESC LIMIT 1`,
    );
    const query = `query ($id: ID!) { incident(id: $id) { title statements(first: 200) { nodes {
      stance speakerPerson { name } speakerOrganization { name } sources { excerpt article { title } } } } } }`;
    const before = counter.count;
    const data = await t.data(query, { id });
    const sql = counter.recent.slice(before - counter.count);
    expect(data.incident.statements.nodes.length).toBeGreaterThan(0);
    expect(data.incident.statements.nodes.some((s: any) => s.sources.length && s.sources[0].article.title)).toBe(true);
    // The caller's account, and the incident with its statements' first page read inside its statement
    // (speakers, sources and articles read with the page's rows).
    expect(sql.filter((q) => !q.includes('FROM account'))).toHaveLength(1);

    // Page arguments in variables vary per request: the page is then its own statement, with the same answer.
    const byVariable = query.replace('query ($id: ID!)', 'query ($id: ID!, $first: Int)').replace('statements(first: 200)', 'statements(first: $first)');
    const mark = counter.count;
    expect(await t.data(byVariable, { id, first: 200 })).toEqual(data);
    expect(counter.recent.slice(mark - counter.count).filter((q) => !q.includes('FROM account'))).toHaveLength(2);
  });

  it('look-ahead of connections: every list read inside its parent\'s statement equals its page through paginateEach, cursors and counts included', async () => {
    const resolved = async (page: Page<object>) => {
      const value = async (v: unknown) => (typeof v === 'function' ? await (v as () => Promise<unknown>)() : v);
      return {
        nodes: page.nodes,
        cursors: page.edges.map((e) => e.cursor),
        pageInfo: {
          hasNextPage: await value(page.pageInfo.hasNextPage), hasPreviousPage: await value(page.pageInfo.hasPreviousPage),
          startCursor: page.pageInfo.startCursor, endCursor: page.pageInfo.endCursor,
        },
        totalCount: await value(page.totalCount),
      };
    };
    let compared = 0;
    let partial = 0;
    for (const { typeName, relation } of declaredRelations()) {
      if (relation.kind !== 'page') continue;
      const metadata = t.dataSource.entityMetadatas.find((m) => (m.target as { name?: string }).name === typeName)!;
      const parentColumn = metadata.findColumnWithPropertyPath(relation.parentProperty)!;
      const list = relation.list({ first: 2 });
      // The parents with the most rows first, so that pages are cut short and counted.
      const target = list.query(t.dataSource, []).expressionMap.mainAlias!.metadata;
      const parents = await t.dataSource.getRepository(metadata.target).find({ take: 30 });
      if (parents.length === 0) continue;
      const keys = parents.map((row) => String(parentColumn.getEntityValue(row)));

      const selection: Selection = new Map([
        [(target.target as { name: string }).name, new Set(target.columns.map((c) => c.propertyPath.split('.')[0]))],
        [typeName, new Set([relation.field])],
      ]);
      giveArguments(selection, typeName, relation.field, { first: 2 });
      const ahead = new RequestLoaders(t.dataSource);
      ahead.lookAhead(selection);
      await ahead.one(metadata.target, parentColumn.propertyName).loadMany(keys);
      expect(counter.recent[counter.recent.length - 1]).toContain('json_agg');
      const before = counter.count;
      const pages = await Promise.all(keys.map((key) => ahead.listPage(list, { first: 2 }, key)));
      expect({ list: list.name, statements: counter.count - before }).toEqual({ list: list.name, statements: 0 });

      const plain = new RequestLoaders(t.dataSource);
      const expected = await Promise.all(keys.map((key) => plain.listPage(list, { first: 2 }, key)));
      const got = await Promise.all(pages.map(resolved));
      expect({ list: list.name, pages: got }).toEqual({ list: list.name, pages: await Promise.all(expected.map(resolved)) });
      partial += got.filter((p) => p.pageInfo.hasNextPage).length;
      compared += got.filter((p) => p.nodes.length > 0).length;
    }
    // The seed has pages of every size: some lists were cut short, and their totals counted.
    expect(compared).toBeGreaterThanOrEqual(20);
    expect(partial).toBeGreaterThan(0);
  });

  it('the named statements run on generic plans, on a pool of their own; other statements plan per execution', async () => {
    // Under plan_cache_mode=auto, PostgreSQL re-plans a statement keyed by an array on every
    // execution (the custom plan for one key always looks cheaper), which cost more than running it.
    const incident = (await t.dataSource.getRepository(Incident).find({ take: 1 }))[0];
    const text = 'SELECT t.id::text AS id, current_setting($2) AS mode FROM incident t WHERE t.id = ANY($1)';
    for (let i = 0; i < 12; i++) {
      const rows = await runSql(t.dataSource, text, [[incident.id], 'plan_cache_mode'], true);
      expect(rows).toEqual([{ id: incident.id, mode: 'force_generic_plan' }]);
    }
    // TypeORM's pool, which runs every unnamed statement (filtered lists plan best with their values), is left as it was.
    const rows = await runSql(t.dataSource, text, [[incident.id], 'plan_cache_mode'], false);
    expect(rows).toEqual([{ id: incident.id, mode: 'auto' }]);
    const master = await (t.dataSource.driver as unknown as { master: Pool }).master.connect();
    try {
      for (let i = 0; i < 7; i++) await master.query({ name: 'auto-plan-probe', text, values: [[incident.id], 'plan_cache_mode'] });
      const { rows: plans } = await master.query(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'auto-plan-probe'`);
      // The contrast: without the setting, PostgreSQL kept custom-planning this statement.
      expect(Number(plans[0].custom_plans)).toBeGreaterThanOrEqual(5);
    } finally {
      master.release();
    }
  });
});
