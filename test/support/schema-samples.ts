import { GraphQLInputType, isEnumType, isInputObjectType, isListType, isNonNullType } from 'graphql';
import { unknownId } from '../mutations-helpers';

/**
 * A value of the right type for an argument (its required fields filled, recursively), so that a
 * call fails only on what a test breaks on purpose. `text` is every String's value.
 */
export function sampleValue(type: GraphQLInputType, text: string): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, text);
  if (isListType(type)) return [sampleValue(type.ofType, text)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields())
      .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
      .map((f) => [f.name, sampleValue(f.type, text)]));
  }
  switch (type.name) {
    case 'ID': return unknownId();
    case 'Int': case 'Float': return 1;
    case 'Boolean': return true;
    case 'DateTime': return new Date().toISOString();
    default: return text;
  }
}
