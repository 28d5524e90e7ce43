// Service-desk KPIs (GET /api/v1/reports/tickets) over the tickets resolved in a period:
// MTTR, reopen rate, first-time fix, satisfaction, tickets opened, the reassignment and rating
// distributions as charts, and a table per service, customer, team or priority. Every number
// drills down to the tickets behind it: the server gives each KPI its list query (`drill`),
// and a bar of a distribution adds its bucket to the resolved tickets' query.
import { lazy, Suspense, useState } from 'react';
import { Alert, Anchor, Button, Group, Paper, SegmentedControl, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, errorMessage, qs } from '../api';
import { formatDuration } from '../fields';
import { useMeta } from '../meta';
import { parseSavedQuery, queueTypes } from '../queues';
import { useDocumentTitle } from '../title';

const DistributionChart = lazy(() => import('../components/DistributionChart'));

type GroupBy = '' | 'service' | 'customer' | 'assignment_group' | 'priority';

interface Kpis {
  resolved: number;
  mttr_seconds: number | null;
  reopen_rate: number | null;
  first_time_fix: number | null;
  satisfaction: { answered: number; mean_rating: number | null; response_rate: number | null };
  drill: { resolved: string; reopened: string; first_time_fix: string; answered: string };
}

interface TicketReport {
  type: string;
  from: string;
  to: string;
  opened: number;
  totals: Kpis;
  group_by?: string;
  groups?: (Kpis & { key: { id: number; name: string | null } | string | null })[];
  reassignment_distribution: { reassignments: number; or_more: boolean; tickets: number }[];
  rating_distribution: { rating: number; tickets: number }[];
}

const pctOf = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function keyLabel(k: { id: number; name: string | null } | string | null): string {
  if (k === null || k === undefined) return '(none)';
  if (typeof k === 'string') return k;
  return k.name ?? `#${k.id}`;
}

export function ServiceDeskPage() {
  useDocumentTitle('Service desk');
  const meta = useMeta();
  const navigate = useNavigate();
  const types = queueTypes(meta.data?.types ?? []).filter((t) => t.fields.some((f) => f.name === 'satisfaction_rating'));
  const [plural, setPlural] = useState('incidents');
  const [groupBy, setGroupBy] = useState<GroupBy>('');
  const today = new Date();
  const [fromDay, setFromDay] = useState(isoDay(new Date(today.getTime() - 30 * 86400_000)));
  const [toDay, setToDay] = useState(isoDay(new Date(today.getTime() + 86400_000)));
  const valid = !!fromDay && !!toDay && fromDay < toDay;
  const params = { type: plural, from: `${fromDay}T00:00:00Z`, to: `${toDay}T00:00:00Z`, group_by: groupBy || undefined };
  const report = useQuery({
    queryKey: ['ticket-report', params],
    queryFn: () => api<TicketReport>(`/api/v1/reports/tickets${qs(params)}`),
    enabled: valid,
  });
  // The list behind a number: the server's drill query, run by the generic list.
  const href = (query: string) => `/r/${plural}${qs(parseSavedQuery(query).params)}`;
  const label = types.find((t) => t.plural === plural)?.label.toLowerCase() ?? 'ticket';
  const r = report.data;
  const t = r?.totals;
  const buckets = [0, 1, 2, 3, 4, 5].map((n) => ({
    label: n === 5 ? '5+' : String(n),
    tickets: r?.reassignment_distribution.find((d) => d.reassignments === n)?.tickets ?? 0,
    query: t ? `${t.drill.resolved}&${n === 5 ? 'reassignment_count.gte=5' : `reassignment_count=${n}`}` : '',
  }));
  const ratings = [1, 2, 3, 4, 5].map((n) => ({
    label: String(n),
    tickets: r?.rating_distribution.find((d) => d.rating === n)?.tickets ?? 0,
    query: t ? `${t.drill.resolved}&satisfaction_rating=${n}` : '',
  }));
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Service desk
      </Title>
      <Group align="flex-end" gap="sm">
        {types.length > 1 ? (
          <div>
            <Text size="sm" fw={500} id="kpi-type-label" mb={2}>
              Tickets
            </Text>
            <SegmentedControl aria-labelledby="kpi-type-label" value={plural} onChange={setPlural} data={types.map((x) => ({ value: x.plural, label: `${x.label}s` }))} />
          </div>
        ) : null}
        <TextInput label="Resolved from" type="date" value={fromDay} onChange={(e) => setFromDay(e.currentTarget.value)} />
        <TextInput label="To (exclusive)" type="date" value={toDay} onChange={(e) => setToDay(e.currentTarget.value)} error={valid ? undefined : 'Must be after From'} />
        <div>
          <Text size="sm" fw={500} id="kpi-group-label" mb={2}>
            Group by
          </Text>
          <SegmentedControl
            aria-labelledby="kpi-group-label"
            value={groupBy}
            onChange={(v) => setGroupBy(v as GroupBy)}
            data={[
              { value: '', label: 'Nothing' },
              { value: 'service', label: 'Service' },
              { value: 'customer', label: 'Customer' },
              { value: 'assignment_group', label: 'Team' },
              { value: 'priority', label: 'Priority' },
            ]}
          />
        </div>
      </Group>
      {!valid ? null : report.isPending ? (
        <Skeleton h={300} />
      ) : report.isError ? (
        <Alert color="red" title="Could not load the KPIs">
          {errorMessage(report.error)}
        </Alert>
      ) : r && t ? (
        <>
          <div className="kpi-row kpi-row-wide" role="list" aria-label="Key figures">
            <Kpi title={`Resolved ${label}s`} value={String(t.resolved)} to={href(t.drill.resolved)} note={`${r.opened} opened in the period`} noteTo={href(`reported_at.gte=${r.from}&reported_at.lt=${r.to}`)} />
            <Kpi title="Mean time to resolve" value={t.mttr_seconds === null ? '—' : formatDuration(t.mttr_seconds)} to={href(t.drill.resolved)} note="calendar time, reported → resolved" />
            <Kpi title="First-time fix" value={pctOf(t.first_time_fix)} to={href(t.drill.first_time_fix)} note="resolved without reassignment" />
            <Kpi title="Reopen rate" value={pctOf(t.reopen_rate)} to={href(t.drill.reopened)} note="resolved tickets reopened at least once" />
            <Kpi
              title="Satisfaction"
              value={t.satisfaction.mean_rating === null ? '—' : `${t.satisfaction.mean_rating.toFixed(2)} / 5`}
              to={href(t.drill.answered)}
              note={`${t.satisfaction.answered} answers · ${pctOf(t.satisfaction.response_rate)} response rate`}
            />
          </div>
          <div className="chart-pair">
            <Paper withBorder p="md" radius="md" component="section" aria-label="Reassignments">
              <Suspense fallback={<Skeleton h={220} />}>
                <DistributionChart
                  title="Reassignments per resolved ticket"
                  axisName="reassignments"
                  categories={buckets.map((b) => b.label)}
                  values={buckets.map((b) => b.tickets)}
                  onSelect={(i) => navigate(href(buckets[i].query))}
                />
              </Suspense>
              <BucketTable caption="Resolved tickets by number of reassignments" head="Reassignments" buckets={buckets} href={href} />
            </Paper>
            <Paper withBorder p="md" radius="md" component="section" aria-label="Ratings">
              <Suspense fallback={<Skeleton h={220} />}>
                <DistributionChart
                  title="Satisfaction ratings"
                  axisName="rating (1 = very poor, 5 = very good)"
                  color="#2b8a3e"
                  categories={ratings.map((b) => b.label)}
                  values={ratings.map((b) => b.tickets)}
                  onSelect={(i) => navigate(href(ratings[i].query))}
                />
              </Suspense>
              <BucketTable caption="Survey answers by rating" head="Rating" buckets={ratings} href={href} />
            </Paper>
          </div>
          {r.groups ? (
            <Paper withBorder radius="md">
              <Table striped="even">
                <caption className="visually-hidden">KPIs by {groupBy.replace('_', ' ')}</caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{groupBy === 'assignment_group' ? 'Team' : groupBy.charAt(0).toUpperCase() + groupBy.slice(1)}</Table.Th>
                    <Table.Th scope="col">Resolved</Table.Th>
                    <Table.Th scope="col">MTTR</Table.Th>
                    <Table.Th scope="col">First-time fix</Table.Th>
                    <Table.Th scope="col">Reopen rate</Table.Th>
                    <Table.Th scope="col">Mean rating</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.groups.map((g, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{keyLabel(g.key)}</Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={href(g.drill.resolved)}>
                          {g.resolved}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{g.mttr_seconds === null ? '—' : formatDuration(g.mttr_seconds)}</Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={href(g.drill.first_time_fix)}>
                          {pctOf(g.first_time_fix)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={href(g.drill.reopened)}>
                          {pctOf(g.reopen_rate)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        {g.satisfaction.mean_rating === null ? (
                          '—'
                        ) : (
                          <Anchor component={Link} to={href(g.drill.answered)}>
                            {g.satisfaction.mean_rating.toFixed(2)}
                          </Anchor>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          ) : null}
          <Group>
            <Button variant="default" component={Link} to="/service-levels" size="xs">
              Service-level attainment
            </Button>
          </Group>
        </>
      ) : null}
    </Stack>
  );
}

function Kpi({ title, value, to, note, noteTo }: { title: string; value: string; to: string; note: string; noteTo?: string }) {
  return (
    <Paper withBorder p="md" radius="md" className="kpi" role="listitem">
      <Text size="sm" fw={600}>
        {title}
      </Text>
      <Anchor component={Link} to={to} className="kpi-value" fw={700} aria-label={`${title}: ${value}, show the tickets`}>
        {value}
      </Anchor>
      <Text size="xs" c="dimmed">
        {noteTo ? (
          <Anchor component={Link} to={noteTo} size="xs">
            {note}
          </Anchor>
        ) : (
          note
        )}
      </Text>
    </Paper>
  );
}

function BucketTable({ caption, head, buckets, href }: { caption: string; head: string; buckets: { label: string; tickets: number; query: string }[]; href(q: string): string }) {
  return (
    <Table className="bucket-table" mt="xs">
      <caption className="visually-hidden">{caption}</caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="row">{head}</Table.Th>
          {buckets.map((b) => (
            <Table.Th key={b.label} scope="col">
              {b.label}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        <Table.Tr>
          <Table.Th scope="row">Tickets</Table.Th>
          {buckets.map((b) => (
            <Table.Td key={b.label}>
              {b.tickets ? (
                <Anchor component={Link} to={href(b.query)} size="sm">
                  {b.tickets}
                </Anchor>
              ) : (
                '0'
              )}
            </Table.Td>
          ))}
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}
