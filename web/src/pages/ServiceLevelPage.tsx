// Service-level attainment: GET /api/v1/reports/sla grouped by service, customer,
// agreement or priority over a date range, as a chart and a table whose numbers drill down
// to the incidents behind them. CSV comes from the same endpoint (format=csv).
import { lazy, Suspense, useMemo, useState } from 'react';
import { Alert, Anchor, Button, Group, Paper, SegmentedControl, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorMessage, qs } from '../api';

const AttainmentChart = lazy(() => import('../components/AttainmentChart'));

export type GroupBy = 'service' | 'customer' | 'agreement' | 'priority';

export interface SlaRow {
  key: string | number | null;
  label: string;
  total: number;
  met: number;
  breached: number;
  open: number;
  attainment: number | null; // 0..100
}

// The report's rows, whatever their exact member names: each row names its group (id and
// name, or a value) and counts tickets met and breached.
export function normalizeRows(data: unknown): SlaRow[] {
  const obj = (data ?? {}) as Record<string, unknown>;
  const raw = (obj.rows ?? obj.items ?? obj.groups ?? []) as Record<string, unknown>[];
  return raw.map((r) => {
    const g = (r.group ?? r) as Record<string, unknown>;
    const key = (g.id ?? g.key ?? g.value ?? r.key ?? null) as string | number | null;
    const label = String(g.name ?? g.label ?? r.label ?? r.name ?? key ?? '(none)');
    const num = (k: string[]) => {
      for (const n of k) if (typeof r[n] === 'number') return r[n] as number;
      return 0;
    };
    const total = num(['total', 'tickets', 'count']);
    const met = num(['met', 'met_count', 'within']);
    const breached = num(['breached', 'breached_count']);
    const open = num(['open', 'running']);
    let attainment = typeof r.attainment === 'number' ? (r.attainment as number) : typeof r.attainment_pct === 'number' ? (r.attainment_pct as number) : null;
    if (attainment !== null && attainment <= 1 && (met + breached > 0 ? met / (met + breached) <= 1 : true) && !('attainment_pct' in r)) attainment *= 100;
    if (attainment === null && met + breached > 0) attainment = (met / (met + breached)) * 100;
    return { key, label, total, met, breached, open, attainment };
  });
}

function isoDay(d: Date) {
  return d.toISOString().slice(0, 10);
}

const kFilterField: Record<GroupBy, string | null> = {
  service: 'service',
  customer: 'customer',
  agreement: null,
  priority: 'priority',
};

export function ServiceLevelPage() {
  const [groupBy, setGroupBy] = useState<GroupBy>('service');
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 90 * 86400_000)));
  const [to, setTo] = useState(isoDay(new Date(today.getTime() + 86400_000)));
  const params = { from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z`, group_by: groupBy };
  const report = useQuery({
    queryKey: ['sla-report', params],
    queryFn: () => api<unknown>(`/api/v1/reports/sla${qs(params)}`),
    enabled: !!from && !!to,
  });
  const rows = useMemo(() => normalizeRows(report.data), [report.data]);
  const drill = (row: SlaRow, extra: Record<string, string>) => {
    const f = kFilterField[groupBy];
    const p: Record<string, string> = { 'created_at.gte': params.from, 'created_at.lt': params.to, ...extra };
    if (f && row.key !== null) p[f] = String(row.key);
    return `/r/incidents${qs(p)}`;
  };
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Service levels
      </Title>
      <Group align="flex-end" gap="sm">
        <TextInput label="From" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput label="To" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        <div>
          <Text size="sm" fw={500} id="group-by-label" mb={2}>
            Group by
          </Text>
          <SegmentedControl
            aria-labelledby="group-by-label"
            value={groupBy}
            onChange={(v) => setGroupBy(v as GroupBy)}
            data={[
              { value: 'service', label: 'Service' },
              { value: 'customer', label: 'Customer' },
              { value: 'agreement', label: 'Agreement' },
              { value: 'priority', label: 'Priority' },
            ]}
          />
        </div>
        <Button component="a" variant="default" href={`/api/v1/reports/sla${qs({ ...params, format: 'csv' })}`} download>
          Download CSV
        </Button>
      </Group>
      {report.isPending ? (
        <Skeleton h={300} />
      ) : report.isError ? (
        <Alert color="red" title="Could not load the report">
          {errorMessage(report.error)}
        </Alert>
      ) : rows.length === 0 ? (
        <Text c="dimmed">No tickets with a service-level target in this period.</Text>
      ) : (
        <>
          <Paper withBorder p="md" radius="md">
            <Suspense fallback={<Skeleton h={280} />}>
              <AttainmentChart rows={rows} title={`Attainment by ${groupBy}`} />
            </Suspense>
          </Paper>
          <Paper withBorder radius="md">
            <Table striped="even">
              <caption className="visually-hidden">Attainment by {groupBy}</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{groupBy.charAt(0).toUpperCase() + groupBy.slice(1)}</Table.Th>
                  <Table.Th scope="col">Tickets</Table.Th>
                  <Table.Th scope="col">Met</Table.Th>
                  <Table.Th scope="col">Breached</Table.Th>
                  <Table.Th scope="col">Attainment</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={`${r.key}`}>
                    <Table.Td>{r.label}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={drill(r, {})}>
                        {r.total}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{r.met}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={drill(r, { resolution_breached: 'true' })} c={r.breached ? 'red' : undefined}>
                        {r.breached}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{r.attainment === null ? '—' : `${r.attainment.toFixed(1)} %`}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </>
      )}
    </Stack>
  );
}
