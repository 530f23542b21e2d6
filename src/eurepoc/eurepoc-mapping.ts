import { AttributionBasis, AttributionStatus } from '../attributions/attribution.entity';
import { IncidentType } from '../incidents/incident.entity';
import { ResponseKind } from '../responses/response.entity';

/**
 * EuRepoC's codes mapped onto the project's enums. The codes themselves are always kept
 * verbatim (in the cited dataset record, and in coded_* columns); docs/eurepoc.md lists these tables.
 */

/** incident_type (each "; "-separated value). "Disruption" has no enum of its own: OTHER. */
export const INCIDENT_TYPES: Record<string, IncidentType[]> = {
  'data theft': [IncidentType.DATA_THEFT],
  'data theft & doxing': [IncidentType.DATA_THEFT, IncidentType.HACK_AND_LEAK],
  'hijacking with misuse': [IncidentType.INTRUSION],
  'hijacking without misuse': [IncidentType.INTRUSION],
  ransomware: [IncidentType.RANSOMWARE],
  disruption: [IncidentType.OTHER],
};

/** attribution_type: how the claim was made, mapped to what it rests on. */
export const ATTRIBUTION_BASES: Record<string, AttributionBasis[]> = {
  'technical report (e.g., by it-companies, citizen lab, eff)': [AttributionBasis.TECHNICAL],
  'political statement / report (e.g., on government / state agency websites)': [AttributionBasis.POLITICAL],
  'domestic legal action': [AttributionBasis.INVESTIGATION],
  'political statement/report and indictment / sanctions': [AttributionBasis.POLITICAL, AttributionBasis.INVESTIGATION],
  'statement in media report and political statement/technical report': [AttributionBasis.POLITICAL, AttributionBasis.TECHNICAL],
  'statement in media report and indictment / sanctions': [AttributionBasis.INVESTIGATION],
  'self-attribution in the course of the attack (e.g., via defacement statements on websites)': [AttributionBasis.OTHER],
  'direct statement in media report (e.g., reuters article cites the attribution statements by a person) / self-attribution via social media': [AttributionBasis.OTHER],
  'anonymous statement in media report (e.g., reuters article cites the attribution statements of unnamed officials, or persons with knowledge into the matter etc.)': [AttributionBasis.OTHER],
  'media report (e.g., reuters makes an attribution statement, without naming further sources)': [AttributionBasis.OTHER],
  // The source says a claim was made, not on what: no basis.
  'attribution given, type unclear': [],
};

/** attribution_basis is who attributes; only "Contested attribution" changes the claim's status. */
export function attributionStatus(codedBasis: string | null): AttributionStatus {
  return codedBasis?.toLowerCase() === 'contested attribution' ? AttributionStatus.DISPUTED : AttributionStatus.ASSERTED;
}

/**
 * political_response_type / _subcode and legal_response_type / _subcode → ResponseKind, first match wins
 * (subtype before type: "Statement by head of state" is a statement whatever its type).
 */
export const RESPONSE_KINDS: [RegExp, ResponseKind][] = [
  [/economic sanctions|retorsion/i, ResponseKind.SANCTIONS],
  [/statement|declaration/i, ResponseKind.STATEMENT],
  [/diplomatic|cooperative measures/i, ResponseKind.DIPLOMATIC],
  [/executive reactions|legislative reactions|resignation|parliamentary|committee/i, ResponseKind.EXECUTIVE_OR_LEGISLATIVE],
  [/awareness|preventive measures|stabilizing measures/i, ResponseKind.PREVENTIVE_MEASURE],
  [/legal measures|indictment|arrest|investigation|emergency/i, ResponseKind.LEGAL_ACTION],
];

export function responseKind(codedType: string | null, codedSubtype: string | null): ResponseKind {
  for (const text of [codedSubtype, codedType]) {
    if (!text) continue;
    const found = RESPONSE_KINDS.find(([pattern]) => pattern.test(text));
    if (found) return found[1];
  }
  return ResponseKind.OTHER;
}
