import { Module } from '@nestjs/common';
import { OrganizationPeopleResolver, PeopleResolver } from './people.resolver';
import { PersonService } from './person.service';

@Module({ providers: [PersonService, PeopleResolver, OrganizationPeopleResolver], exports: [PersonService] })
export class PeopleModule {}
