import { ListOrder, SortDirection } from '../common/pagination';

/** Incidents of a relation list (an actor's, a campaign's): earliest start first, undated last. */
export const STARTED_ORDER: ListOrder = {
  expressions: [`coalesce(incident.started_from, incident.started_to, 'infinity'::date)`],
  direction: SortDirection.ASC,
};
