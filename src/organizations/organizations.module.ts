import { Module } from '@nestjs/common';
import { OrganizationService } from './organization.service';
import { OrganizationsResolver } from './organizations.resolver';

@Module({ providers: [OrganizationService, OrganizationsResolver], exports: [OrganizationService] })
export class OrganizationsModule {}
