// The generic create form; `?field=value` in the address prefills a field (e.g. a
// post-incident review's incident).
import { Anchor, Breadcrumbs, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '../title';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { findType, useMeta, type FieldMeta, type TypeMeta } from '../meta';
import { recordKey } from '../refs';
import { RecordForm } from '../components/RecordForm';
import { NotFound } from '../components/NotFound';

export function RecordCreatePage() {
  const { plural } = useParams();
  const meta = useMeta();
  const navigate = useNavigate();
  const client = useQueryClient();
  const type = findType(meta.data, plural);
  const [search] = useSearchParams();
  useDocumentTitle(type ? `New ${type.label.toLowerCase()}` : undefined);
  if (meta.isPending) return null;
  if (!type) return <NotFound what="record type" />;
  return (
    <Stack gap="md" maw={720}>
      <Breadcrumbs>
        <Anchor component={Link} to={`/r/${type.plural}`}>
          {type.label}s
        </Anchor>
        <Text span>New</Text>
      </Breadcrumbs>
      <Title order={1} size="h2">
        New {type.label.toLowerCase()}
      </Title>
      <Paper withBorder p="md" radius="md">
        <RecordForm
          type={type}
          portal={false}
          defaults={prefill(type, search)}
          onSaved={(r) => {
            client.setQueryData(recordKey(type.plural, r.id), r);
            void client.invalidateQueries({ queryKey: ['list', type.plural] });
            void client.invalidateQueries({ queryKey: ['queues'] });
            // An incident on a service with known errors comes back with them: shown at once.
            navigate(`/r/${type.plural}/${r.id}`, { state: r.known_errors ? { knownErrors: r.known_errors } : undefined });
          }}
          onCancel={() => navigate(-1)}
        />
      </Paper>
    </Stack>
  );
}

// Values for the form from the address: ?incident=42&title=… (only the type's fields).
function prefill(type: TypeMeta, search: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  search.forEach((v, k) => {
    const f: FieldMeta | undefined = type.fields.find((x) => x.name === k);
    if (!f || f.readonly || f.derived) return;
    if (f.kind === 'reference' || f.kind === 'integer') {
      if (/^\d+$/.test(v)) out[k] = Number(v);
    } else if (f.kind === 'boolean') out[k] = v === 'true';
    else out[k] = v;
  });
  return out;
}
