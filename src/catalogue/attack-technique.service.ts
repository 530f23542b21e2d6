import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { escapeLike } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import { AttackTechnique } from './attack-technique.entity';

export const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;

/** An ATT&CK technique id as stored ("t1110.001 " → "T1110.001"), or BAD_USER_INPUT. */
export function techniqueIdOf(id: string): string {
  const techniqueId = id.trim().toUpperCase();
  if (!TECHNIQUE_ID.test(techniqueId)) {
    throw new BadUserInputError(`${JSON.stringify(id)} is not an ATT&CK technique id such as T1110 or T1110.001`, { argument: 'id' });
  }
  return techniqueId;
}

@Injectable()
export class AttackTechniqueService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(id: string): Promise<AttackTechnique> {
    const techniqueId = techniqueIdOf(id);
    const technique = await this.dataSource.getRepository(AttackTechnique).findOneBy({ id: techniqueId });
    if (!technique) throw new NotFoundError('AttackTechnique', techniqueId);
    return technique;
  }

  /**
   * Techniques in id order; `search` is an id or the start of one ("T1110" finds its
   * sub-techniques too) or part of a name ("brute"), ignoring case.
   */
  list(search: string | null | undefined, page: PageArgs): Promise<Page<AttackTechnique>> {
    const query = this.dataSource.getRepository(AttackTechnique).createQueryBuilder('technique');
    const text = search?.trim();
    if (text) {
      query.where('(technique.id LIKE :idPrefix OR technique.name ILIKE :namePart)', {
        idPrefix: `${escapeLike(text.toUpperCase())}%`,
        namePart: `%${escapeLike(text)}%`,
      });
    }
    return paginate(query, { expressions: [], direction: SortDirection.ASC }, page);
  }
}
