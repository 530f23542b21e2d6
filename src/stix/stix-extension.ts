import { DateSpanColumns, precisionOf } from '../common/date-span';
import { mintedId, uuidv5 } from './stix-id';

/**
 * The tracker's STIX extension: one `extension-definition` (a property-extension), under
 * which every exported object carries what STIX 2.1 has no property for (an incident's date
 * spans with their precision, its types and ATT&CK techniques; an actor's kind and
 * countries; a claim's words of confidence, bases and status …). Its properties are listed
 * in docs/stix.md. An import that finds it on an object rebuilds the row exactly.
 */
export const EXTENSION_ID = `extension-definition--${uuidv5('extension:attribution-tracker/1.0')}`;
/** The tracker itself, as the creator of the extension definition. */
export const PRODUCER_ID = `identity--${uuidv5('producer:attribution-tracker')}`;
/** When the extension was defined (this migration's time): the created/modified of the two objects above. */
const DEFINED = '2025-12-01T14:40:00.000Z';
export const EXTENSION_DOC = 'https://github.com/attribution-tracker/attribution-tracker/blob/main/docs/stix.md#the-extension';

export function producerIdentity(): Record<string, unknown> {
  return {
    type: 'identity', spec_version: '2.1', id: PRODUCER_ID, created: DEFINED, modified: DEFINED,
    name: 'Attribution Tracker', identity_class: 'system',
    description: 'The Attribution Tracker instance that wrote this bundle.',
  };
}

export function extensionDefinition(): Record<string, unknown> {
  return {
    type: 'extension-definition', spec_version: '2.1', id: EXTENSION_ID, created_by_ref: PRODUCER_ID,
    created: DEFINED, modified: DEFINED,
    name: 'Attribution Tracker properties',
    description:
      'Properties of the Attribution Tracker that STIX 2.1 has no place for: date spans with their precision ' +
      '({from, to, precision, text}), incident types, ATT&CK technique ids, actor kinds and countries, claim status, ' +
      'bases and words of confidence, statement stance and speakers, target roles.',
    schema: EXTENSION_DOC,
    version: '1.0.0',
    extension_types: ['property-extension'],
  };
}

/** A date span as the extension writes it: {from, to, precision, text}, absent parts left out. */
export interface StixDateSpan {
  from?: string;
  to?: string;
  precision: string;
  text?: string;
}

export function spanToStix(span: DateSpanColumns | null | undefined): StixDateSpan | undefined {
  if (!span || (!span.from && !span.to && !span.text)) return undefined;
  return compact({ from: span.from ?? undefined, to: span.to ?? undefined, precision: precisionOf(span.from, span.to), text: span.text ?? undefined });
}

export function spanFromStix(span: StixDateSpan | undefined): DateSpanColumns {
  return { from: span?.from ?? null, to: span?.to ?? null, text: span?.text ?? null };
}

/** STIX custom properties may not be null or empty lists: leave them out. */
export function compact<T extends Record<string, unknown>>(object: T, into: Record<string, unknown> = {}): T {
  // for…in, not Object.entries: an export compacts a few million objects, and the pairs array is garbage.
  for (const k in object) {
    const v = object[k];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    into[k] = v;
  }
  return into as T;
}

/** The object's `extensions` entry with the tracker's properties, or nothing when there are none. */
export function withExtension(object: Record<string, unknown>, properties: Record<string, unknown>): Record<string, unknown> {
  const props = compact(properties, { extension_type: 'property-extension' });
  const out = compact(object);
  for (const _ in props) {
    if (_ === 'extension_type') continue;
    out.extensions = { [EXTENSION_ID]: props };
    break;
  }
  return out;
}

/** The tracker's properties of an imported object, when it carries the extension. */
export function extensionOf(object: Record<string, unknown>): Record<string, any> | null {
  const ext = (object.extensions as Record<string, Record<string, unknown>> | undefined)?.[EXTENSION_ID];
  return ext ?? null;
}

export { mintedId };
