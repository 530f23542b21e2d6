import { Injectable } from '@nestjs/common';
import countries from 'i18n-iso-countries';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BadUserInputError } from '../common/errors';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { Country } from './country.entity';

/**
 * Country names as people write them ("Russia", "Norway", "United States") resolved to
 * ISO codes with the i18n-iso-countries list, which carries the common aliases.
 */
export function resolveCountryCode(nameOrCode: string): string | null {
  const value = nameOrCode.trim();
  if (/^[A-Za-z]{2}$/.test(value)) {
    const code = value.toUpperCase();
    return countries.isValid(code) ? code : null;
  }
  if (/^[A-Za-z]{3}$/.test(value)) {
    const code = countries.alpha3ToAlpha2(value.toUpperCase());
    if (code) return code;
  }
  return countries.getAlpha2Code(value, 'en') ?? null;
}

export function requireCountryCode(nameOrCode: string, field: string): string {
  const code = resolveCountryCode(nameOrCode);
  if (!code) {
    throw new BadUserInputError(
      `${field}: ${JSON.stringify(nameOrCode)} is not a country; give an ISO 3166-1 code ("NO") or an English name ("Norway")`,
      { field },
    );
  }
  return code;
}

export function optionalCountryCode(nameOrCode: string | null | undefined, field: string): string | null | undefined {
  if (nameOrCode === undefined) return undefined;
  if (nameOrCode === null || nameOrCode.trim() === '') return null;
  return requireCountryCode(nameOrCode, field);
}

@Injectable()
export class CountryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async byNameOrCode(nameOrCode: string): Promise<Country | null> {
    const code = resolveCountryCode(nameOrCode);
    return code ? this.dataSource.getRepository(Country).findOneBy({ code }) : null;
  }

  list(search: string | null | undefined, page: PageArgs, loaders?: RequestLoaders): Promise<Page<Country>> {
    const query = this.dataSource.getRepository(Country).createQueryBuilder('country');
    if (search) {
      const code = resolveCountryCode(search);
      query.where('(country.name ILIKE :pattern OR country.code = :code)', {
        pattern: `%${search.replace(/[%_\\]/g, '\\$&')}%`,
        code: code ?? '',
      });
    }
    return paginate(query, { expressions: ['country.name'], direction: SortDirection.ASC }, page, loaders);
  }
}
