// The agent's queues come from the server (GET /api/v1/queues?type=…): the default ones (my
// open tickets, unassigned in my teams, breached, at risk) and the saved filters (record type
// saved_filter) that are the agent's own or shared with one of their teams, each with its live
// count and the list query to run. One request answers every count of the workspace.
//
// A saved filter's query is stored as the server reads it: `field=value` pairs joined by `&`,
// without percent-encoding (the server expands @me and @my_teams and does not decode), so
// the UI writes and reads it the same way.
import { useQuery } from '@tanstack/react-query';
import { api, qs } from './api';
import type { TypeMeta } from './meta';

export interface ServerQueue {
  key: string; // "mine", "unassigned", "breached", "at_risk", "saved:<id>"
  name: string;
  kind: 'default' | 'personal' | 'team';
  type: string; // the list's plural
  query?: string; // absent when the filter no longer runs (see error)
  count?: number;
  saved_filter?: number;
  error?: string;
}

export function useServerQueues(plural: string, enabled = true) {
  return useQuery({
    queryKey: ['queues', plural],
    queryFn: () => api<{ items: ServerQueue[] }>(`/api/v1/queues${qs({ type: plural })}`),
    enabled,
    // Live counts: polled, and invalidated after every change of a ticket from this UI.
    refetchInterval: 30_000,
    staleTime: 10_000,
  });
}

// "a=1&b.in=x,y&sort=-id" → the list filters and the sort, read like the server reads it.
export function parseSavedQuery(query: string): { params: Record<string, string>; sort?: string } {
  const params: Record<string, string> = {};
  let sort: string | undefined;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    if (k === 'sort') sort = v;
    else if (k !== 'limit' && k !== 'cursor' && k !== 'count') params[k] = v;
  }
  return { params, sort };
}

// The list filters (and sort) as a saved filter's query. `&` and `=` cannot appear inside a
// value of such a query: in a search text they become spaces.
export function toSavedQuery(params: Record<string, string | undefined>, sort?: string): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (!v || k === 'limit' || k === 'cursor' || k === 'sort') continue;
    parts.push(`${k}=${v.replace(/[&=]/g, ' ')}`);
  }
  if (sort) parts.push(`sort=${sort}`);
  return parts.join('&');
}

// Ticket types with queues: a workflow, an assignee and the SLA figures the queues sort by.
export function queueTypes(types: TypeMeta[]): TypeMeta[] {
  return types.filter((t) => t.workflow && t.fields.some((f) => f.name === 'assignee') && t.fields.some((f) => f.name === 'sla_due_at'));
}

export function queueHref(key: string, plural: string): string {
  return `/queues/${encodeURIComponent(key)}${plural === 'incidents' ? '' : `?type=${plural}`}`;
}
