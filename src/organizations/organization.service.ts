import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BadUserInputError } from '../common/errors';
import { assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { optionalCountryCode, requireCountryCode } from '../countries/country.service';
import { Organization } from './organization.entity';
import { CreateOrganizationInput, OrganizationFilter, UpdateOrganizationInput } from './organization.inputs';

@Injectable()
export class OrganizationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(id: string): Promise<Organization> {
    return findOrFail(this.dataSource.manager, Organization, id, 'Organization');
  }

  list(filter: OrganizationFilter | undefined, page: PageArgs, loaders?: RequestLoaders): Promise<Page<Organization>> {
    const query = this.dataSource.getRepository(Organization).createQueryBuilder('organization');
    if (filter?.search) query.andWhere('organization.name ILIKE :search', { search: `%${escapeLike(filter.search)}%` });
    if (filter?.kind) query.andWhere('organization.kind = :kind', { kind: filter.kind });
    if (filter?.country) {
      query.andWhere('organization.countryCode = :country', { country: requireCountryCode(filter.country, 'filter.country') });
    }
    return paginate(query, { expressions: ['lower(organization.name)'], direction: SortDirection.ASC }, page, loaders);
  }

  create(input: CreateOrganizationInput): Promise<Organization> {
    const name = cleanText(input.name);
    if (!name) throw new BadUserInputError('name must not be empty', { field: 'name' });
    return this.dataSource.getRepository(Organization).save({
      name,
      kind: input.kind,
      countryCode: optionalCountryCode(input.country, 'country') ?? null,
      sector: cleanText(input.sector) ?? null,
      description: cleanText(input.description) ?? null,
    });
  }

  async update(input: UpdateOrganizationInput): Promise<Organization> {
    const organization = await this.get(input.id);
    if (input.name !== undefined && !cleanText(input.name)) throw new BadUserInputError('name must not be empty', { field: 'name' });
    assignDefined(organization, {
      name: cleanText(input.name) ?? undefined,
      kind: input.kind ?? undefined,
      countryCode: optionalCountryCode(input.country, 'country'),
      sector: cleanText(input.sector),
      description: cleanText(input.description),
    });
    return this.dataSource.getRepository(Organization).save(organization);
  }

  async delete(id: string): Promise<string> {
    const organization = await this.get(id);
    await this.dataSource.getRepository(Organization).delete({ id: organization.id });
    return id;
  }
}
