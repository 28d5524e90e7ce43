// "Referenced by": for a record, the records of other types that point at it through an
// indexed reference field (a service's agreements, catalogue items and incidents; a team's
// incidents), each as a short keyset-paged list. Driven by /meta like everything generic.
import { useCallback, useState } from 'react';
import { Paper, Stack, Title } from '@mantine/core';
import { useMeta, type TypeMeta } from '../meta';
import { RecordTable } from './RecordTable';

export function RelatedRecords({ type, id }: { type: TypeMeta; id: number }) {
  const meta = useMeta();
  const links = (meta.data?.types ?? []).flatMap((t) =>
    t.fields.filter((f) => f.kind === 'reference' && f.ref === type.name && f.indexed).map((f) => ({ t, f })),
  );
  const [hidden, setHidden] = useState<Set<string>>(() => new Set());
  const hide = useCallback((key: string) => setHidden((h) => (h.has(key) ? h : new Set(h).add(key))), []);
  if (!links.length) return null;
  return (
    <Stack gap="md">
      {links.map(({ t, f }) => {
        const title = links.filter((l) => l.t === t).length > 1 ? `${t.label}s (${f.label.toLowerCase()})` : `${t.label}s`;
        const key = `${t.plural}.${f.name}`;
        if (hidden.has(key)) return null;
        return (
          <Paper key={key} withBorder p="md" radius="md" component="section" aria-label={title}>
            <Title order={2} size="h4" mb="xs">
              {title}
            </Title>
            <RecordTable
              type={t}
              params={{ [f.name]: String(id) }}
              sort="-id"
              portal={false}
              pageSize={5}
              hrefFor={(r) => `/r/${t.plural}/${r.id}`}
              caption={title}
              columns={relatedColumns(t, f.name)}
              emptyText="None."
              compactEmpty
              onUnavailable={() => hide(key)}
            />
          </Paper>
        );
      })}
    </Stack>
  );
}

function relatedColumns(t: TypeMeta, via: string): string[] {
  const cols = ['number'];
  const title = t.fields.find((f) => f.name === 'title') ?? t.fields.find((f) => f.name === 'name');
  if (title) cols.push(title.name);
  if (t.workflow) cols.push('status');
  for (const f of t.fields) {
    if (cols.length >= 5) break;
    if (f.name !== via && f !== title && f.indexed && (f.kind === 'choice' || f.kind === 'reference')) cols.push(f.name);
  }
  cols.push('updated_at');
  return cols;
}
