import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError } from '../common/errors';
import { assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { Campaign } from './campaign.entity';
import { CreateCampaignInput, UpdateCampaignInput } from './campaign.inputs';

@Injectable()
export class CampaignService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(id: string): Promise<Campaign> {
    return findOrFail(this.dataSource.manager, Campaign, id, 'Campaign');
  }

  list(search: string | null | undefined, page: PageArgs, loaders?: RequestLoaders): Promise<Page<Campaign>> {
    const query = this.dataSource.getRepository(Campaign).createQueryBuilder('campaign');
    if (search) query.where('campaign.name ILIKE :search', { search: `%${escapeLike(search)}%` });
    return paginate(query, { expressions: ['lower(campaign.name)'], direction: SortDirection.ASC }, page, loaders);
  }

  create(input: CreateCampaignInput): Promise<Campaign> {
    const name = cleanText(input.name);
    if (!name) throw new BadUserInputError('name must not be empty', { field: 'name' });
    return this.dataSource.getRepository(Campaign).save({
      name,
      description: cleanText(input.description) ?? null,
      started: toDateSpanColumns(input.started, 'started'),
    });
  }

  async update(input: UpdateCampaignInput): Promise<Campaign> {
    const campaign = await this.get(input.id);
    if (input.name !== undefined && !cleanText(input.name)) throw new BadUserInputError('name must not be empty', { field: 'name' });
    assignDefined(campaign, {
      name: cleanText(input.name) ?? undefined,
      description: cleanText(input.description),
      started: updatedDateSpan(campaign.started, input.started, 'started'),
    });
    return this.dataSource.getRepository(Campaign).save(campaign);
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(Campaign).delete({ id });
    return id;
  }
}
