import { countryOfCode, value } from './eurepoc-values';

/**
 * The strings in which EuRepoC packs several facts:
 *  - an actor: "Sandworm/VOODOO Bear/…/G0034 (GRU, Main Centre for Special Technologies (GTsST) Military Unit 74455)",
 *    optionally "… < Winnti Umbrella/G0044" (an umbrella group);
 *  - an indicted person: "Yuriy Sergeyevich Andrienko (Юрий …) --> Sandworm/…";
 *  - a person speaking for a state: "Angus Taylor (Minister for Law Enforcement and Cyber Security; AUS)"
 *    or "Joe Biden (President, USA)"; anything else names an organization ("Federal Bureau of Investigation (FBI)").
 */

export interface ActorString {
  /** As the record wrote it. */
  text: string;
  /** Its names, in the record's order (ATT&CK ids excluded). */
  names: string[];
  /** ATT&CK group ids (G0034), "Group G0007" included. */
  attackIds: string[];
  /** The parenthesised parents, outermost first: ["GRU", "Main Centre … Military Unit 74455"]. */
  parents: string[];
  /** The umbrella group after " < ", as written. */
  umbrella: string | null;
}

const ATTACK_ID = /^(?:Group\s+)?(G\d{4})$/i;

/** The text inside the last top-level parentheses at the end, and what precedes it. */
function trailingParenthesis(text: string): { head: string; inner: string } | null {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(')')) return null;
  let depth = 0;
  for (let i = trimmed.length - 1; i >= 0; i--) {
    if (trimmed[i] === ')') depth++;
    else if (trimmed[i] === '(') {
      depth--;
      if (depth === 0) return { head: trimmed.slice(0, i).trim(), inner: trimmed.slice(i + 1, -1).trim() };
    }
  }
  return null;
}

/** Splits on a separator outside parentheses. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseActorString(cell: string): ActorString | null {
  // Some cells use no-break spaces ("(MSS, Jinan Bureau)\u00a0< Winnti Umbrella"): any whitespace counts as one space.
  const text = value(cell)?.replace(/\s+/gu, ' ') ?? null;
  if (!text) return null;
  const [main, umbrella = null] = splitTopLevel(text, ' < ');
  // A trailing parenthesis holds the parents only after a list of names ("…/G0034 (GRU, …)"); otherwise it is
  // part of the one name: "NoName057(16)", "Ministry of Intelligence and Security (MOIS; Iran)".
  const trailing = trailingParenthesis(main);
  const holdsParents = trailing !== null && trailing.head.includes('/') && !trailing.inner.includes(';')
    && /\s$/.test(main.slice(0, main.length - trailing.inner.length - 2));
  const head = holdsParents ? trailing!.head : main;
  const parents = holdsParents ? splitTopLevel(trailing!.inner, ', ') : [];
  const names: string[] = [];
  const attackIds: string[] = [];
  for (const part of splitTopLevel(head, '/')) {
    const id = ATTACK_ID.exec(part);
    if (id) attackIds.push(id[1].toUpperCase());
    else if (value(part)) names.push(part);
  }
  if (names.length === 0 && attackIds.length === 0) return null;
  return { text, names, attackIds, parents, umbrella: umbrella ? umbrella.trim() : null };
}

/** "Name --> unit": the person and the actor string of the unit they serve; null without an arrow. */
export function parseIndictment(cell: string): { person: string; unit: string } | null {
  const text = value(cell);
  if (!text || !text.includes('-->')) return null;
  const [person, unit] = text.split('-->').map((s) => s.trim());
  return person && unit ? { person, unit } : null;
}

export type Party =
  | { kind: 'person'; name: string; role: string; countryCode: string | null }
  | { kind: 'organization'; name: string };

/**
 * "Name (role; GBR)" or "Name (role, USA)" is a person with a role and a country; any other text names an
 * organization, kept whole ("National Security Authority (NSM) (Norway)").
 */
export function parseParty(cell: string): Party | null {
  const text = value(cell);
  if (!text) return null;
  const trailing = trailingParenthesis(text);
  if (trailing && trailing.head) {
    const match = /^(.*\S)\s*[;,]\s*([A-Z]{3})$/.exec(trailing.inner);
    const countryCode = match ? countryOfCode(match[2]) : null;
    if (match && countryCode) return { kind: 'person', name: trailing.head, role: match[1].trim(), countryCode };
  }
  return { kind: 'organization', name: text };
}
