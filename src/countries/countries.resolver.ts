import { Args, ObjectType, Query, Resolver, Context } from '@nestjs/graphql';
import { NotFoundError } from '../common/errors';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders } from '../common/request-loaders';
import { Country } from './country.entity';
import { CountryService } from './country.service';

@ObjectType()
export class CountryConnection extends Connection(Country) {}

@Resolver(() => Country)
export class CountriesResolver {
  constructor(private readonly countryService: CountryService) {}

  @Query(() => Country, { nullable: true, description: nullWhenAbsent('A country by ISO code or English name ("NO", "Norway", "Russia").') })
  async country(@Args('nameOrCode') nameOrCode: string): Promise<Country> {
    const country = await this.countryService.byNameOrCode(nameOrCode);
    if (!country) throw new NotFoundError('Country', nameOrCode);
    return country;
  }

  @Query(() => CountryConnection)
  countries(
    @Args('search', { type: () => String, nullable: true }) search: string | null,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
  ) {
    return this.countryService.list(search, page, loaders);
  }
}
