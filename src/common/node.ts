import { Field, ID, InterfaceType } from '@nestjs/graphql';

/**
 * Anything with an id the API can fetch again by that id alone (`node(id:)`, Relay's
 * object identification). Ids stay the database's own: UUIDs (unique across every table,
 * so a UUID names one row of one type), ATT&CK ids ("T1110") for techniques, and
 * numbers for statement link events. The type is found by looking the id up.
 */
@InterfaceType('Node', {
  description: 'Anything with an id: fetch it again with node(id:) or nodes(ids:), whatever its type.',
  // Every Node is returned as an instance of its entity class.
  resolveType: (value: object) => value.constructor,
})
export abstract class Node {
  @Field(() => ID)
  id: string;
}

/** The description of a single lookup: null, with a NOT_FOUND error entry, when there is none. */
export function nullWhenAbsent(description?: string): string {
  return `${description ? `${description} ` : ''}Null, with a NOT_FOUND error entry, when there is none.`;
}
