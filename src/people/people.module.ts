import { Module } from '@nestjs/common';
import { PeopleResolver } from './people.resolver';
import { PersonService } from './person.service';

@Module({ providers: [PersonService, PeopleResolver], exports: [PersonService] })
export class PeopleModule {}
