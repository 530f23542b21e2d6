import { Module } from '@nestjs/common';
import { ActorCatalogueResolver, SuspectedVictimResolver } from './actor-catalogue.resolver';
import { AttackTechniqueService } from './attack-technique.service';
import { AttackTechniquesResolver, IncidentTechniquesResolver } from './attack-techniques.resolver';
import { CatalogueImportService } from './catalogue-import.service';

/** The actor catalogue (imported by `npm run import:actors`) and the ATT&CK techniques, in the graph. */
@Module({
  providers: [
    CatalogueImportService, AttackTechniqueService,
    ActorCatalogueResolver, SuspectedVictimResolver, AttackTechniquesResolver, IncidentTechniquesResolver,
  ],
  exports: [CatalogueImportService, AttackTechniqueService],
})
export class CatalogueModule {}
