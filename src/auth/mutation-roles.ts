import { Role } from './role';

/** A mutation whose role depends on its arguments; `when` sees them as the resolver will. */
export interface MutationRule {
  role: Role;
  raise?: { role: Role; when: (args: Record<string, any>) => boolean; what: string };
}

/**
 * The role each mutation needs: the one place that says who may write what. A mutation that
 * is not listed here is refused for everyone (src/auth/auth.plugin.ts), and
 * test/role-matrix.e2e-spec.ts fails until it is, so a new mutation cannot forget.
 * Deleting, and retracting a claim, need an editor; imports and accounts need an admin.
 */
export const MUTATION_ROLES: Readonly<Record<string, Role | MutationRule>> = {
  createOrganization: Role.Contributor,
  updateOrganization: Role.Contributor,
  deleteOrganization: Role.Editor,
  createPerson: Role.Contributor,
  updatePerson: Role.Contributor,
  deletePerson: Role.Editor,
  createThreatActor: Role.Contributor,
  updateThreatActor: Role.Contributor,
  deleteThreatActor: Role.Editor,
  addThreatActorAlias: Role.Contributor,
  removeThreatActorAlias: Role.Contributor,
  createCampaign: Role.Contributor,
  updateCampaign: Role.Contributor,
  deleteCampaign: Role.Editor,
  createIncident: Role.Contributor,
  updateIncident: Role.Contributor,
  deleteIncident: Role.Editor,
  addIncidentTarget: Role.Contributor,
  removeIncidentTarget: Role.Contributor,
  createSourceArticle: Role.Contributor,
  updateSourceArticle: Role.Contributor,
  deleteSourceArticle: Role.Editor,
  createStatement: Role.Contributor,
  updateStatement: Role.Contributor,
  deleteStatement: Role.Editor,
  linkStatementToIncident: Role.Contributor,
  unlinkStatementFromIncident: Role.Contributor,
  linkStatementToActor: Role.Contributor,
  unlinkStatementFromActor: Role.Contributor,
  linkStatementToAttribution: Role.Contributor,
  unlinkStatementFromAttribution: Role.Contributor,
  linkStatementToSource: Role.Contributor,
  unlinkStatementFromSource: Role.Contributor,
  acceptSuggestedLink: Role.Contributor,
  rejectSuggestedLink: Role.Contributor,
  createAttribution: Role.Contributor,
  updateAttribution: {
    role: Role.Contributor,
    raise: { role: Role.Editor, when: (args) => args.input?.status === 'RETRACTED', what: 'retracting an attribution (status RETRACTED)' },
  },
  deleteAttribution: Role.Editor,
  linkAttributionToSource: Role.Contributor,
  unlinkAttributionFromSource: Role.Contributor,
  createResponse: Role.Contributor,
  updateResponse: Role.Contributor,
  deleteResponse: Role.Editor,
  importStixBundle: Role.Admin,
};

export function mutationRule(name: string): MutationRule | undefined {
  if (!Object.hasOwn(MUTATION_ROLES, name)) return undefined;
  const entry = MUTATION_ROLES[name];
  return typeof entry === 'string' ? { role: entry } : entry;
}
