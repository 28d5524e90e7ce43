// Which optional server capabilities this server has. Service-level features arrive with
// the agreement record type; the SLA report with its own route; the service desk's queues,
// search and KPIs with saved filters; the knowledge base with articles. The UI shows a screen only
// when the server can answer it, so an older server never shows a screen that cannot work.
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from './api';
import { isPortalUser, useAuth } from './auth';
import { useMeta } from './meta';

export function useServerFeatures() {
  const meta = useMeta();
  const { user } = useAuth();
  const names = new Set(meta.data?.types.map((t) => t.name) ?? []);
  const hasAgreements = names.has('agreement');
  // One small probe per session (staff only): 404 means the route does not exist.
  const report = useQuery({
    queryKey: ['feature', 'sla-report'],
    queryFn: async () => {
      const now = new Date();
      const from = new Date(now.getTime() - 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      try {
        await api(`/api/v1/reports/sla?from=${from}&to=${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}&group_by=service`);
        return true;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return false;
        return true; // exists but refused this probe (e.g. 400): still show the screen
      }
    },
    enabled: hasAgreements && !!user && !isPortalUser(user),
    staleTime: Infinity,
    retry: false,
  });
  return {
    slaReport: hasAgreements && report.data === true,
    slaClock: hasAgreements,
    catalogue: names.has('catalogue_item'),
    // The service desk's KPIs and the knowledge base's reader view came with these types.
    ticketReport: names.has('saved_filter'),
    knowledge: names.has('knowledge_article'),
  };
}
