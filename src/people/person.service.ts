import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BadUserInputError } from '../common/errors';
import { assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, RelationList, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { optionalCountryCode, requireCountryCode } from '../countries/country.service';
import { Organization } from '../organizations/organization.entity';
import { Person } from './person.entity';
import { CreatePersonInput, PersonFilter, UpdatePersonInput } from './person.inputs';

const BY_NAME = { expressions: ['lower(person.name)'], direction: SortDirection.ASC };

@Injectable()
export class PersonService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(id: string): Promise<Person> {
    return findOrFail(this.dataSource.manager, Person, id, 'Person');
  }

  list(filter: PersonFilter | undefined, page: PageArgs, loaders?: RequestLoaders): Promise<Page<Person>> {
    const query = this.dataSource.getRepository(Person).createQueryBuilder('person');
    if (filter?.search) query.andWhere('person.name ILIKE :search', { search: `%${escapeLike(filter.search)}%` });
    if (filter?.role) query.andWhere('person.role ILIKE :role', { role: `%${escapeLike(filter.role)}%` });
    if (filter?.organizationId) query.andWhere('person.organizationId = :organizationId', { organizationId: filter.organizationId });
    if (filter?.country) {
      query.andWhere('person.countryCode = :country', { country: requireCountryCode(filter.country, 'filter.country') });
    }
    return paginate(query, BY_NAME, page, loaders);
  }



  async create(input: CreatePersonInput): Promise<Person> {
    const name = cleanText(input.name);
    if (!name) throw new BadUserInputError('name must not be empty', { field: 'name' });
    if (input.organizationId) await findOrFail(this.dataSource.manager, Organization, input.organizationId, 'Organization');
    return this.dataSource.getRepository(Person).save({
      name,
      role: cleanText(input.role) ?? null,
      organizationId: input.organizationId ?? null,
      countryCode: optionalCountryCode(input.country, 'country') ?? null,
    });
  }

  async update(input: UpdatePersonInput): Promise<Person> {
    const person = await this.get(input.id);
    if (input.name !== undefined && !cleanText(input.name)) throw new BadUserInputError('name must not be empty', { field: 'name' });
    if (input.organizationId) await findOrFail(this.dataSource.manager, Organization, input.organizationId, 'Organization');
    assignDefined(person, {
      name: cleanText(input.name) ?? undefined,
      role: cleanText(input.role),
      organizationId: input.organizationId,
      countryCode: optionalCountryCode(input.country, 'country'),
    });
    return this.dataSource.getRepository(Person).save(person);
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(Person).delete({ id });
    return id;
  }
}

/** The people of an organization, by name. */
export const ORGANIZATION_PEOPLE: RelationList<Person> = {
  name: 'people.organization',
  query: (dataSource) => dataSource.getRepository(Person).createQueryBuilder('person'),
  parentKey: 'person.organization_id',
  order: BY_NAME,
};
