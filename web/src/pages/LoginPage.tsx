import { useDocumentTitle } from '../title';
import { useState, type FormEvent } from 'react';
import { Alert, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { ApiError } from '../api';
import { useAuth } from '../auth';

export function LoginPage() {
  const { login, notice } = useAuth();
  useDocumentTitle('Log in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await login(username.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('Wrong user name or password.');
      else if (err instanceof ApiError && err.status === 429)
        setError('Too many failed attempts. Wait a few minutes and try again.');
      else setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <main className="login-page">
      <Paper className="login-card" withBorder shadow="sm" p="xl" radius="md">
        <form onSubmit={submit} noValidate>
          <Stack>
            <div>
              <Title order={1} size="h2">
                Ordo
              </Title>
              <Text c="dimmed" size="sm">
                IT service management
              </Text>
            </div>
            {notice ? (
              <Alert color="yellow" role="status" title="Signed out">
                {notice}
              </Alert>
            ) : null}
            {error ? (
              <Alert color="red" role="alert" title="Login failed">
                {error}
              </Alert>
            ) : null}
            <TextInput
              label="User name"
              name="username"
              autoComplete="username"
              required
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} disabled={!username || !password}>
              Log in
            </Button>
          </Stack>
        </form>
      </Paper>
    </main>
  );
}
