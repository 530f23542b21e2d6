import { DateSpanColumns } from '../common/date-span';

/** The day a possibly vague date sorts by: its earliest possible day (else its latest); undated last. */
export function sortDay(span: DateSpanColumns | null | undefined): string {
  return span?.from ?? span?.to ?? '9999-12-31';
}

export function isDated(span: DateSpanColumns | null | undefined): boolean {
  return Boolean(span?.from || span?.to);
}

/** Attributions oldest claim first; undated last; equally vague dates in recording order. */
export function byDateAttributed(
  a: { attributed: DateSpanColumns; createdAt: Date },
  b: { attributed: DateSpanColumns; createdAt: Date },
): number {
  const x = sortDay(a.attributed);
  const y = sortDay(b.attributed);
  if (x !== y) return x < y ? -1 : 1;
  return new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime();
}
