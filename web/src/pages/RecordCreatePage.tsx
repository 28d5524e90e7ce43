import { Anchor, Breadcrumbs, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '../title';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { findType, useMeta } from '../meta';
import { recordKey } from '../refs';
import { RecordForm } from '../components/RecordForm';
import { NotFound } from '../components/NotFound';

export function RecordCreatePage() {
  const { plural } = useParams();
  const meta = useMeta();
  const navigate = useNavigate();
  const client = useQueryClient();
  const type = findType(meta.data, plural);
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
          onSaved={(r) => {
            client.setQueryData(recordKey(type.plural, r.id), r);
            void client.invalidateQueries({ queryKey: ['list', type.plural] });
            navigate(`/r/${type.plural}/${r.id}`);
          }}
          onCancel={() => navigate(-1)}
        />
      </Paper>
    </Stack>
  );
}
