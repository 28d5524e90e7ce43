// Administration of users (not a record type: /api/v1/users). Create users with roles, an
// organisation and a manager; edit them (name, e-mail, roles, organisation, manager), set a
// new password, disable and enable them. The server's field errors appear under the field.
import { useDocumentTitle } from '../title';
import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Divider, Group, Modal, MultiSelect, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notify } from '../notify';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorMessage } from '../api';
import { isAdmin, useUser, type User } from '../auth';
import { typeByName, useMeta, type FieldMeta } from '../meta';
import { RefSelect, RefValue, UserName, useUserDirectory } from '../refs';
import { formatTimestamp } from '../fields';

const kRoles = ['admin', 'process_manager', 'agent', 'auditor', 'requester'];

type DirUser = User & { disabled: boolean; created_at?: string; manager?: number | null; auth?: string };

function refField(name: string, label: string, ref: string, plural: string | undefined): FieldMeta {
  return { name, label, kind: 'reference', ref, ref_plural: plural, required: false, searchable: false, indexed: true, readonly: false, derived: false, multiline: false };
}

export function UsersPage() {
  const me = useUser();
  useDocumentTitle('Users');
  const users = useUserDirectory();
  const client = useQueryClient();
  const [creating, create] = useDisclosure(false);
  const [editing, setEditing] = useState<DirUser | null>(null);
  const meta = useMeta();
  const orgType = typeByName(meta.data, 'organisation');
  const orgField = refField('organisation', 'Organisation', 'organisation', orgType?.plural ?? 'organisations');
  // No ref_plural: RefSelect picks among the user directory.
  const managerField = refField('manager', 'Manager', 'user', undefined);
  const refresh = () => void client.invalidateQueries({ queryKey: ['users'] });

  async function toggle(u: DirUser) {
    try {
      await api(`/api/v1/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabled } });
      refresh();
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
              <Table.Th scope="col">Manager</Table.Th>
              <Table.Th scope="col">Created</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {((users.data?.items ?? []) as DirUser[]).map((u) => (
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
                <Table.Td>{u.manager ? <UserName id={u.manager} /> : <Text span c="dimmed">—</Text>}</Table.Td>
                <Table.Td>{formatTimestamp(u.created_at)}</Table.Td>
                <Table.Td>
                  {u.disabled ? (
                    <Badge color="gray" variant="light" radius="sm">
                      Disabled
                    </Badge>
                  ) : (
                    <Badge color="green" variant="light" radius="sm">
                      Active
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Button size="compact-xs" variant="light" onClick={() => setEditing(u)} aria-label={`Edit ${u.username}`}>
                      Edit
                    </Button>
                    <Button
                      size="compact-xs"
                      variant={u.disabled ? 'light' : 'default'}
                      color={u.disabled ? 'green' : 'red'}
                      onClick={() => void toggle(u)}
                      disabled={u.id === me.id}
                      aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Modal lockScroll={false} closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={creating} onClose={create.close} title="New user">
        <UserForm
          orgField={orgField}
          managerField={managerField}
          onDone={() => {
            create.close();
            refresh();
          }}
        />
      </Modal>
      <Modal
        lockScroll={false}
        closeButtonProps={{ 'aria-label': 'Close dialog' }}
        opened={!!editing}
        onClose={() => setEditing(null)}
        title={editing ? `Edit user ${editing.username}` : 'Edit user'}
      >
        {editing ? (
          <>
            <UserForm
              key={editing.id}
              user={editing}
              self={editing.id === me.id}
              orgField={orgField}
              managerField={managerField}
              onDone={() => {
                setEditing(null);
                refresh();
              }}
            />
            {editing.auth !== 'ldap' ? (
              <>
                <Divider my="md" />
                <PasswordForm user={editing} />
              </>
            ) : null}
          </>
        ) : null}
      </Modal>
    </Stack>
  );
}

interface UserFormProps {
  user?: DirUser; // editing this user; creating otherwise
  self?: boolean;
  onDone(): void;
  orgField: FieldMeta;
  managerField: FieldMeta;
}

function UserForm({ user, self, onDone, orgField, managerField }: UserFormProps) {
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.display_name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>(user?.roles ?? ['agent']);
  const [organisation, setOrganisation] = useState<number | null>(user?.organisation ?? null);
  const [manager, setManager] = useState<number | null>(user?.manager ?? null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fe = (n: string) => (error instanceof ApiError ? error.fieldError(n) : undefined);
  // The roles a user has may include scoped ones (process_manager:incidents): keep them offered.
  const roleChoices = [...new Set([...kRoles, ...roles])];

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (user) {
        const body: Record<string, unknown> = {};
        if (displayName !== user.display_name) body.display_name = displayName;
        if ((email || null) !== (user.email ?? null)) body.email = email || null;
        if (JSON.stringify([...roles].sort()) !== JSON.stringify([...user.roles].sort())) body.roles = roles;
        if (organisation !== (user.organisation ?? null)) body.organisation = organisation;
        if (manager !== (user.manager ?? null)) body.manager = manager;
        if (Object.keys(body).length) {
          await api(`/api/v1/users/${user.id}`, { method: 'PATCH', body });
          notify({ color: 'green', message: `User ${user.username} saved` });
        }
      } else {
        await api('/api/v1/users', {
          method: 'POST',
          body: {
            username,
            display_name: displayName || undefined,
            email: email || undefined,
            password,
            roles,
            organisation: organisation ?? undefined,
            manager: manager ?? undefined,
          },
        });
        notify({ color: 'green', message: `User ${username} created` });
      }
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-label={user ? `Edit user ${user.username}` : 'New user'}>
      <Stack gap="sm">
        {error ? (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        ) : null}
        {user ? null : (
          <TextInput label="User name" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={fe('username')} autoFocus />
        )}
        <TextInput label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} error={fe('display_name')} autoFocus={!!user} />
        <TextInput label="E-mail" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fe('email')} />
        {user ? null : (
          <PasswordInput label="Password" description="At least 12 characters" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={fe('password')} autoComplete="new-password" />
        )}
        <MultiSelect label="Roles" required data={roleChoices} value={roles} onChange={setRoles} error={fe('roles')} description={self ? 'You cannot take the admin role from yourself' : undefined} />
        <RefSelect field={orgField} label="Organisation" value={organisation} onChange={setOrganisation} error={fe('organisation')} description="Requesters see only their organisation's tickets" />
        <RefSelect field={managerField} label="Manager" value={manager} onChange={setManager} error={fe('manager')} description="Approves their service requests" />
        <Group>
          <Button type="submit" loading={busy}>
            {user ? 'Save user' : 'Create user'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

// An administrator sets a new password (POST /api/v1/users/{id}/password).
function PasswordForm({ user }: { user: DirUser }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/users/${user.id}/password`, { method: 'POST', body: { password } });
      setPassword('');
      notify({ color: 'green', message: `A new password is set for ${user.username}` });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const fieldMsg = error instanceof ApiError ? error.fieldError('password') : undefined;
  return (
    <form onSubmit={submit} noValidate aria-label={`New password for ${user.username}`}>
      <Stack gap="sm">
        {error && !fieldMsg ? (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        ) : null}
        <PasswordInput
          label="New password"
          description="At least 12 characters; their open sessions end"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fieldMsg}
          autoComplete="new-password"
        />
        <Group>
          <Button type="submit" variant="default" loading={busy}>
            Set password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
