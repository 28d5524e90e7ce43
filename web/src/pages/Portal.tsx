// The customer portal for requesters: the services they may use (the catalogue), reporting
// an incident, and their organisation's tickets. The server scopes every answer to the
// requester's organisation and strips internal fields; the portal additionally renders
// only fields that are present in what the server sent and never offers internal ones.
import { useDocumentTitle } from '../title';
import { Alert, Anchor, Button, Select, Card, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, errorMessage } from '../api';
import { useUser } from '../auth';
import { editableFields, findType, typeByName, useMeta, type Page, type RecordData, type TypeMeta } from '../meta';
import { recordKey } from '../refs';
import { RecordForm } from '../components/RecordForm';
import { RecordTable } from '../components/RecordTable';
import { Detail } from './RecordDetailPage';
import { NotFound } from '../components/NotFound';
import { useServerFeatures } from '../features';

export interface CatalogueItem {
  id: number;
  number?: string;
  name: string;
  description?: string | null;
  [k: string]: unknown;
}

export interface CatalogueService {
  id: number;
  number?: string;
  name: string;
  description?: string | null;
  catalogue_items?: CatalogueItem[];
  items?: CatalogueItem[];
  [k: string]: unknown;
}

// GET /api/v1/catalogue when the server has it; otherwise the live services. Requesters may
// not read services directly, so the catalogue also seeds the record cache: a ticket's
// service then shows its name.
export function useCatalogue() {
  const features = useServerFeatures();
  const client = useQueryClient();
  return useQuery({
    queryKey: ['catalogue', features.catalogue],
    queryFn: async (): Promise<CatalogueService[]> => {
      if (features.catalogue) {
        const c = await api<{ items?: CatalogueService[]; services?: CatalogueService[] }>('/api/v1/catalogue');
        const services = c.items ?? c.services ?? [];
        for (const s of services) client.setQueryData(recordKey('services', s.id), s);
        return services;
      }
      const page = await api<Page>('/api/v1/services?limit=200');
      return page.items.filter((s) => s.lifecycle !== 'retired' && s.status !== 'retired') as unknown as CatalogueService[];
    },
    staleTime: 300_000,
  });
}

const kLevels: Record<string, { value: string; label: string }[]> = {
  impact: [
    { value: '1', label: 'Many people or the whole organisation' },
    { value: '2', label: 'A team or department' },
    { value: '3', label: 'Only me' },
  ],
  urgency: [
    { value: '1', label: 'Now: work has stopped' },
    { value: '2', label: 'Today: work is slowed down' },
    { value: '3', label: 'It can wait' },
  ],
};

// Only the public parts of a ticket type, for a requester's report form.
const kReportFields = ['title', 'description', 'service', 'impact', 'urgency'];

export function PortalHome() {
  const user = useUser();
  const catalogue = useCatalogue();
  const features = useServerFeatures();
  useDocumentTitle('Services');
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          Hello, {user.display_name}
        </Title>
        <Text c="dimmed">The services your organisation uses. Ask for one of their offerings, or report a problem.</Text>
      </div>
      <Group>
        <Button component={Link} to="/portal/report">
          Report an incident
        </Button>
        <Button component={Link} to="/portal/tickets" variant="default">
          Our tickets
        </Button>
        {features.knowledge ? (
          <Button component={Link} to="/portal/knowledge" variant="default">
            Knowledge base
          </Button>
        ) : null}
      </Group>
      {catalogue.isPending ? (
        <Skeleton h={160} />
      ) : catalogue.isError ? (
        <Alert color="red">{errorMessage(catalogue.error)}</Alert>
      ) : catalogue.data.length === 0 ? (
        <Text c="dimmed">No services are offered to your organisation yet.</Text>
      ) : (
        <div className="catalogue-grid">
          {catalogue.data.map((s) => {
            const items = s.catalogue_items ?? s.items ?? [];
            return (
              <Card key={s.id} withBorder radius="md" padding="md" component="article" aria-labelledby={`svc-${s.id}`} className="catalogue-card">
                <Title order={2} size="h4" id={`svc-${s.id}`}>
                  {s.name}
                </Title>
                {s.description ? (
                  <Text size="sm" c="dimmed" mt={4}>
                    {s.description}
                  </Text>
                ) : null}
                {items.length ? (
                  <ul className="catalogue-items">
                    {items.map((it) => (
                      <li key={it.id}>
                        <Anchor component={Link} to={`/portal/report?service=${s.id}&catalogue_item=${it.id}`} size="sm">
                          {it.name}
                        </Anchor>
                        {it.description ? (
                          <Text size="xs" c="dimmed">
                            {it.description}
                          </Text>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <div className="card-actions">
                  <Button component={Link} to={`/portal/report?service=${s.id}`} variant="light" size="xs" fullWidth aria-label={`Report a problem with ${s.name}`}>
                    Report a problem
                  </Button>
                </div>
              </Card>
            );
          })}
        </div>
      )}
    </Stack>
  );
}

export function PortalReport() {
  const meta = useMeta();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const catalogue = useCatalogue();
  const service = search.get('service') ? Number(search.get('service')) : null;
  const itemId = search.get('catalogue_item') ? Number(search.get('catalogue_item')) : null;
  const svc = catalogue.data?.find((s) => s.id === service);
  const item = (svc?.catalogue_items ?? svc?.items ?? []).find((i) => i.id === itemId);
  // A catalogue item is requested through the ticket type that names catalogue items (a
  // service request), when the server declares one; otherwise it becomes an incident.
  const requestType = (meta.data?.types ?? []).find(
    (t) => t.workflow && t.fields.some((f) => f.name === 'catalogue_item' && f.kind === 'reference' && !f.readonly),
  );
  const type = item && requestType ? requestType : typeByName(meta.data, 'incident');
  const isRequest = !!item && type === requestType;
  useDocumentTitle(isRequest ? `Request: ${item?.name}` : 'Report an incident');
  if (meta.isPending) return null;
  if (!type) return <NotFound what="form" />;
  // Only what the chosen type lets one write (a request takes its service from the item).
  const writable = new Set(editableFields(type, true).map((f) => f.name));
  const defaults: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ service, impact: 3, urgency: 3, catalogue_item: item?.id, title: item ? `Request: ${item.name}` : undefined }))
    if (writable.has(k) && v !== undefined && v !== null) defaults[k] = v;
  // Incidents: the public essentials. A request type: every public field it lets one write.
  // Requesters cannot look users up: user references are left to the service desk.
  const only = isRequest
    ? editableFields(type, true)
        .filter(
          (f) => f.name !== 'catalogue_item' && f.name !== 'customer' && !(f.kind === 'reference' && f.ref === 'user') && f.kind !== 'timestamp',
        )
        .map((f) => f.name)
    : kReportFields;
  return (
    <Stack gap="md" maw={720}>
      <Title order={1} size="h2">
        {isRequest ? `Request: ${item?.name}` : 'Report an incident'}
      </Title>
      <Text c="dimmed">
        {isRequest ? item?.description ?? '' : 'Tell us what is not working.'} You can follow the ticket under “Our tickets”.
        {svc ? ` Service: ${svc.name}.` : ''}
      </Text>
      <Paper withBorder p="md" radius="md">
        <RecordForm
          key={`${type.plural}-${service}-${itemId}`}
          type={type}
          portal
          only={only}
          defaults={defaults}
          renderField={(f, value, onChange, error) => {
            if (f.name === 'service')
              return (
                <Select
                  label={f.label}
                  required={f.required}
                  error={error}
                  data={(catalogue.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
                  value={typeof value === 'number' ? String(value) : null}
                  onChange={(v) => onChange(v ? Number(v) : null)}
                  searchable
                  clearable={!f.required}
                  comboboxProps={{ withinPortal: true }}
                />
              );
            if (f.name === 'impact' || f.name === 'urgency')
              return (
                <Select
                  label={f.label}
                  required
                  error={error}
                  description={f.name === 'impact' ? 'How many people are affected?' : 'How soon must it work again?'}
                  data={kLevels[f.name]}
                  value={typeof value === 'number' ? String(value) : null}
                  onChange={(v) => onChange(v ? Number(v) : null)}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: true }}
                />
              );
            return undefined;
          }}
          submitLabel={isRequest ? 'Send request' : 'Send report'}
          onSaved={(r) => {
            client.setQueryData(recordKey(type.plural, r.id), r);
            void client.invalidateQueries({ queryKey: ['list', type.plural] });
            navigate(`/portal/tickets/${type.plural}/${r.id}`);
          }}
          onCancel={() => navigate('/portal')}
        />
      </Paper>
    </Stack>
  );
}

// Ticket types a requester follows: every type with a workflow and a customer field.
export function portalTicketTypes(types: TypeMeta[]): TypeMeta[] {
  return types.filter((t) => t.workflow && t.fields.some((f) => f.name === 'customer'));
}

export function PortalTickets() {
  const meta = useMeta();
  useCatalogue(); // names the tickets' services
  useDocumentTitle('Our tickets');
  if (meta.isPending) return null;
  const types = portalTicketTypes(meta.data?.types ?? []);
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Our tickets
      </Title>
      {types.map((t) => (
        <Paper key={t.plural} withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t.label}s
          </Title>
          <RecordTable
            type={t}
            params={{}}
            sort="-id"
            portal
            hrefFor={(r: RecordData) => `/portal/tickets/${t.plural}/${r.id}`}
            caption={`${t.label}s of your organisation`}
            columns={['number', 'title', 'status', 'priority', 'service', 'created_at']}
            emptyText="Your organisation has no tickets of this kind."
            hotkeys={t === types[0]}
          />
        </Paper>
      ))}
    </Stack>
  );
}

export function PortalTicket() {
  const { plural, id } = useParams();
  const meta = useMeta();
  useCatalogue(); // names the ticket's service
  const type = findType(meta.data, plural);
  if (meta.isPending) return null;
  if (!type || !id || !/^\d+$/.test(id)) return <NotFound what="ticket" />;
  return <Detail key={`${plural}/${id}`} type={type} id={Number(id)} listHref="/portal/tickets" portal />;
}
