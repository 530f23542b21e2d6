import { Module } from '@nestjs/common';
import { ActorsResolver } from './actors.resolver';
import { ThreatActorService } from './threat-actor.service';

@Module({ providers: [ThreatActorService, ActorsResolver], exports: [ThreatActorService] })
export class ActorsModule {}
