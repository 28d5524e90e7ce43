// Administration of users (not a record type: /api/v1/users). Create users with roles and
// an organisation, change roles, disable and enable them.
import { useDocumentTitle } from '../title';
import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Group, Modal, MultiSelect, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notify } from '../notify';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorMessage } from '../api';
import { isAdmin, useUser, type User } from '../auth';
import { typeByName, useMeta } from '../meta';
import { RefSelect, RefValue, useUserDirectory } from '../refs';
import { formatTimestamp } from '../fields';

const kRoles = ['admin', 'process_manager', 'agent', 'auditor', 'requester'];

type DirUser = User & { disabled: boolean; created_at?: string };

export function UsersPage() {
  const me = useUser();
  useDocumentTitle('Users');
  const users = useUserDirectory();
  const client = useQueryClient();
  const [creating, create] = useDisclosure(false);
  const meta = useMeta();
  const orgType = typeByName(meta.data, 'organisation');
  const orgField = { name: 'organisation', label: 'Organisation', kind: 'reference', ref: 'organisation', ref_plural: orgType?.plural ?? 'organisations', required: false, searchable: false, indexed: true, readonly: false, derived: false, multiline: false };

  async function toggle(u: DirUser) {
    try {
      await api(`/api/v1/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabled } });
      void client.invalidateQueries({ queryKey: ['users'] });
      notify({ color: 'green', message: `${u.username} is now ${u.disabled ? 'enabled' : 'disabled'}` });
    } catch (e) {
      notify({ color: 'red', title: 'Could not change the user', message: errorMessage(e) });
    }
  }

  if (!isAdmin(me)) return <Alert color="yellow">Only administrators manage users.</Alert>;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Users
        </Title>
        <Button onClick={create.open}>New user</Button>
      </Group>
      <Paper withBorder radius="md">
        <Table striped="even" highlightOnHover>
          <caption className="visually-hidden">Users</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">User name</Table.Th>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Roles</Table.Th>
              <Table.Th scope="col">Organisation</Table.Th>
              <Table.Th scope="col">Created</Table.Th>
              <Table.Th scope="col">State</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(users.data?.items ?? []).map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>{u.username}</Table.Td>
                <Table.Td>{u.display_name}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {u.roles.map((r) => (
                      <Badge key={r} variant="light" radius="sm">
                        {r}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{u.organisation ? <RefValue field={orgField} id={u.organisation} /> : <Text span c="dimmed">—</Text>}</Table.Td>
                <Table.Td>{formatTimestamp((u as DirUser).created_at)}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant={u.disabled ? 'light' : 'default'}
                    color={u.disabled ? 'green' : 'red'}
                    onClick={() => void toggle(u as DirUser)}
                    disabled={u.id === me.id}
                    aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Modal lockScroll={false} closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={creating} onClose={create.close} title="New user">
        <NewUserForm
          orgField={orgField}
          onDone={() => {
            create.close();
            void client.invalidateQueries({ queryKey: ['users'] });
          }}
        />
      </Modal>
    </Stack>
  );
}

function NewUserForm({ onDone, orgField }: { onDone(): void; orgField: Parameters<typeof RefSelect>[0]['field'] }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>(['agent']);
  const [organisation, setOrganisation] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fe = (n: string) => (error instanceof ApiError ? error.fieldError(n) : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/users', {
        method: 'POST',
        body: { username, display_name: displayName || undefined, email: email || undefined, password, roles, organisation: organisation ?? undefined },
      });
      notify({ color: 'green', message: `User ${username} created` });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {error ? (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        ) : null}
        <TextInput label="User name" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={fe('username')} autoFocus />
        <TextInput label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} error={fe('display_name')} />
        <TextInput label="E-mail" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fe('email')} />
        <PasswordInput label="Password" description="At least 12 characters" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={fe('password')} autoComplete="new-password" />
        <MultiSelect label="Roles" required data={kRoles} value={roles} onChange={setRoles} error={fe('roles')} />
        <RefSelect field={orgField} label="Organisation" value={organisation} onChange={setOrganisation} error={fe('organisation')} description="Requesters see only their organisation's tickets" />
        <Group>
          <Button type="submit" loading={busy}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
