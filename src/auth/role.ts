/** What an account may do; each role may do everything the roles before it may. */
export enum Role {
  /** Reads, also when PUBLIC_READ is off. */
  Reader = 'reader',
  /** Creates, updates and links; accepts or rejects suggested links. */
  Contributor = 'contributor',
  /** Also deletes and retracts; reads the change log. */
  Editor = 'editor',
  /** Also runs imports and manages accounts. */
  Admin = 'admin',
}

export const ROLES: readonly Role[] = [Role.Reader, Role.Contributor, Role.Editor, Role.Admin];

export function hasRole(actual: string, required: Role): boolean {
  return ROLES.indexOf(actual as Role) >= ROLES.indexOf(required);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
