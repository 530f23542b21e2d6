import { Args, ArgsType, Context, Field, ID, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BelongsTo, HasMany } from '../common/lookahead';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders, type RequestContext } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { AttackTechnique } from './attack-technique.entity';
import { AttackTechniqueService, techniqueIdOf } from './attack-technique.service';

@ObjectType()
export class AttackTechniqueConnection extends Connection(AttackTechnique) {}

@ArgsType()
export class AttackTechniqueArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'An id or its start ("T1110"), or part of the name ("brute").' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;
}

@Resolver(() => AttackTechnique)
export class AttackTechniquesResolver {
  constructor(private readonly techniqueService: AttackTechniqueService) {}

  @Query(() => AttackTechnique, { nullable: true, description: nullWhenAbsent('An ATT&CK technique by id ("T1110").') })
  attackTechnique(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, AttackTechnique, id, 'AttackTechnique', techniqueIdOf);
  }

  @Query(() => AttackTechniqueConnection, { description: 'ATT&CK techniques in id order.' })
  attackTechniques(@Args() args: AttackTechniqueArgs) {
    return this.techniqueService.list(args.search, args);
  }

  @BelongsTo(() => AttackTechnique, 'parentId', { nullable: true, description: 'For a sub-technique (T1110.001), its technique (T1110).' })
  parent() {}

  @HasMany(() => AttackTechnique, 'parentId', { order: { id: 'ASC' } })
  subTechniques() {}
}

@Resolver(() => Incident)
export class IncidentTechniquesResolver {
  @ResolveField(() => [AttackTechnique], {
    description: 'The techniques of techniqueIds that the ATT&CK reference table knows (npm run import:actors), in the same order.',
  })
  async techniques(incident: Incident, _args: unknown, { loaders }: RequestContext): Promise<AttackTechnique[]> {
    const found = await loaders.one(AttackTechnique).loadMany(incident.techniqueIds);
    return found.filter((t): t is AttackTechnique => t !== null && !(t instanceof Error));
  }
}
