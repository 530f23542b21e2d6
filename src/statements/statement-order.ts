import { Statement } from './statement.entity';

/** Statements oldest first; undated ones last; ties in recording order. */
export function byDateSaid(a: Statement, b: Statement): number {
  const x = a.said?.from ?? a.said?.to ?? '9999-12-31';
  const y = b.said?.from ?? b.said?.to ?? '9999-12-31';
  if (x !== y) return x < y ? -1 : 1;
  return Number(BigInt(a.seq) - BigInt(b.seq));
}
