// The portal's knowledge base (GET /api/v1/knowledge?q=): published articles for
// customers, most used first, searched through the articles' full-text index. Each article
// opens in place with its body rendered on the server from Markdown (SafeHtml shows it).
import { useEffect, useState } from 'react';
import { Accordion, Alert, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../api';
import { formatTimestamp } from '../fields';
import { SafeHtml } from '../components/SafeHtml';
import { useDocumentTitle } from '../title';
import { usePortalArticles } from './SearchPage';

export function KnowledgePage() {
  useDocumentTitle('Knowledge base');
  const [search, setSearch] = useSearchParams();
  const [q, setQ] = useState(search.get('q') ?? '');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  useEffect(() => {
    if ((search.get('q') ?? '') !== debounced) {
      const next = new URLSearchParams(search);
      if (debounced) next.set('q', debounced);
      else next.delete('q');
      next.delete('open');
      setSearch(next, { replace: true });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  const articles = usePortalArticles(search.get('q') ?? '');
  const [open, setOpen] = useState<string | null>(search.get('open'));
  const items = articles.data?.items ?? [];
  return (
    <Stack gap="md" maw={860}>
      <div>
        <Title order={1} size="h2">
          Knowledge base
        </Title>
        <Text c="dimmed">Answers to common questions. Many problems are solved here faster than through a ticket.</Text>
      </div>
      <TextInput label="Search the articles" type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} placeholder="e.g. VPN password" />
      {articles.isPending ? (
        <Skeleton h={160} />
      ) : articles.isError ? (
        <Alert color="red">{errorMessage(articles.error)}</Alert>
      ) : items.length === 0 ? (
        <Text c="dimmed">{search.get('q') ? `No article matches “${search.get('q')}”.` : 'No articles are published yet.'}</Text>
      ) : (
        <Accordion variant="separated" value={open} onChange={setOpen} transitionDuration={0}>
          {items.map((a) => (
            <Accordion.Item key={a.id} value={String(a.id)}>
              <Accordion.Control>
                <Text fw={600}>{a.title}</Text>
                {a.summary ? (
                  <Text size="sm" c="dimmed">
                    {a.summary}
                  </Text>
                ) : null}
              </Accordion.Control>
              <Accordion.Panel>
                {a.body_html ? <SafeHtml html={a.body_html} /> : <Text c="dimmed">This article has no text.</Text>}
                <Text size="xs" c="dimmed" mt="sm">
                  {a.number}
                  {a.revision ? ` · revision ${a.revision}` : ''}
                  {a.published_at ? ` · published ${formatTimestamp(a.published_at)}` : ''}
                  {a.used_to_resolve ? ` · solved ${a.used_to_resolve} ${a.used_to_resolve === 1 ? 'ticket' : 'tickets'}` : ''}
                </Text>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </Stack>
  );
}
