import { Module } from '@nestjs/common';
import { CountriesResolver } from './countries.resolver';
import { CountryService } from './country.service';

@Module({ providers: [CountryService, CountriesResolver], exports: [CountryService] })
export class CountriesModule {}
