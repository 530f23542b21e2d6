import { types } from 'pg';
import { DataSourceOptions, Logger } from 'typeorm';
import { AttributionGraph1764000000000 } from '../../migrations/1764000000000-AttributionGraph';
import { ActorCatalogue1764100000000 } from '../../migrations/1764100000000-ActorCatalogue';
import { AnalystSearch1764200000000 } from '../../migrations/1764200000000-AnalystSearch';
import { ResearchProvenance1764300000000 } from '../../migrations/1764300000000-ResearchProvenance';
import { BenchmarkIndexes1764400000000 } from '../../migrations/1764400000000-BenchmarkIndexes';
import { PublicRecord1764500000000 } from '../../migrations/1764500000000-PublicRecord';
import { StixObjects1764600000000 } from '../../migrations/1764600000000-StixObjects';
import { AccountsAudit1764700000000 } from '../../migrations/1764700000000-AccountsAudit';
import { DashboardSummaries1764800000000 } from '../../migrations/1764800000000-DashboardSummaries';
import { ListPaging1764900000000 } from '../../migrations/1764900000000-ListPaging';
import { DatasetRecordPosition1765000000001 } from '../../migrations/1765000000001-DatasetRecordPosition';
import { TimelineEntries1765000000003 } from '../../migrations/1765000000003-TimelineEntries';
import { IncidentFilterIndexes1765100000003 } from '../../migrations/1765100000003-IncidentFilterIndexes';
import { SearchLexicon1765100000004 } from '../../migrations/1765100000004-SearchLexicon';
import { AttributionLagCounts1765100000005 } from '../../migrations/1765100000005-AttributionLagCounts';
import { FacetScopeOrder1765200000010 } from '../../migrations/1765200000010-FacetScopeOrder';
import { ClaimLagCovering1765200000011 } from '../../migrations/1765200000011-ClaimLagCovering';
import { SpeakerRoleIndexes1765200000020 } from '../../migrations/1765200000020-SpeakerRoleIndexes';
import { ActorIncidentStarts1765200000021 } from '../../migrations/1765200000021-ActorIncidentStarts';
import { IncidentPeriodCover1765200000022 } from '../../migrations/1765200000022-IncidentPeriodCover';
import { ScopeCounts1765300000010 } from '../../migrations/1765300000010-ScopeCounts';
import { IncidentClaimConfidence1765300000020 } from '../../migrations/1765300000020-IncidentClaimConfidence';
import { entities } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the time zone.
types.setTypeParser(types.builtins.DATE, (value) => value);

export const migrations = [
  AttributionGraph1764000000000,
  ActorCatalogue1764100000000,
  AnalystSearch1764200000000,
  ResearchProvenance1764300000000,
  BenchmarkIndexes1764400000000,
  PublicRecord1764500000000,
  StixObjects1764600000000,
  AccountsAudit1764700000000,
  DashboardSummaries1764800000000,
  ListPaging1764900000000,
  DatasetRecordPosition1765000000001,
  TimelineEntries1765000000003,
  IncidentFilterIndexes1765100000003,
  SearchLexicon1765100000004,
  AttributionLagCounts1765100000005,
  FacetScopeOrder1765200000010,
  ClaimLagCovering1765200000011,
  SpeakerRoleIndexes1765200000020,
  ActorIncidentStarts1765200000021,
  IncidentPeriodCover1765200000022,
  ScopeCounts1765300000010,
  IncidentClaimConfidence1765300000020,
];

export function dataSourceOptions(url: string, logger?: Logger): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logger,
    // Failed queries surface as GraphQL errors (CONFLICT …) or are logged once by formatGraphQLError.
    logging: logger ? 'all' : false,
    applicationName: 'attribution-tracker',
    extra: { max: 10, connectionTimeoutMillis: 10_000 },
  };
}
