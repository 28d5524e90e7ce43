// Who is logged in. On start the provider asks GET /api/v1/me (the HttpOnly cookie is
// invisible to scripts); the CSRF token comes back with it and lives only in memory. A 401
// from any later call ends the local session and the login screen says why.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, onSessionExpired, setCsrfToken } from './api';
import { clearDrafts } from './drafts';

export interface User {
  id: number;
  username: string;
  display_name: string;
  roles: string[];
  organisation: number | null;
  email?: string | null;
}

interface AuthState {
  user: User | null;
  booting: boolean;
  // Why the user is on the login screen (session expired, logged out), if anything.
  notice: string;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [booting, setBooting] = useState(true);
  const [notice, setNotice] = useState('');
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    api<User & { csrf_token?: string }>('/api/v1/me', { quiet401: true })
      .then((me) => {
        if (cancelled) return;
        setCsrfToken(me.csrf_token ?? '');
        setUser(me);
      })
      .catch(() => undefined)
      .finally(() => !cancelled && setBooting(false));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onSessionExpired(() => {
        setUser((prev) => {
          if (prev) setNotice('Your session has ended. Please log in again.');
          return null;
        });
        setCsrfToken('');
        queryClient.clear();
      }),
    [queryClient],
  );

  const login = useCallback(
    async (username: string, password: string) => {
      const res = await api<{ csrf_token: string; user: User }>('/api/v1/auth/login', {
        method: 'POST',
        body: { username, password },
        quiet401: true,
      });
      queryClient.clear();
      setCsrfToken(res.csrf_token);
      setNotice('');
      setUser(res.user);
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST', quiet401: true });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setCsrfToken('');
    queryClient.clear();
    clearDrafts(); // unsent replies stay only across an ended session, not a logout
    setNotice('You have logged out.');
    setUser(null);
  }, [queryClient]);

  const value = useMemo(() => ({ user, booting, notice, login, logout }), [user, booting, notice, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a logged-in user');
  return user;
}

// Requesters use the customer portal and never see internal fields.
export function isPortalUser(u: User | null): boolean {
  if (!u) return false;
  return u.roles.includes('requester') && !u.roles.some((r) => r !== 'requester');
}

export function canWrite(u: User): boolean {
  return u.roles.some((r) => r === 'admin' || r === 'agent' || r.startsWith('process_manager'));
}

// Reference data is written by administrators and process managers only; agents read it
// (the server's reference-data policies, src/domain/access.h). /meta does not say who may
// write a type, so the UI keeps this list to offer no New or Edit that would be refused.
const kReferenceTypes = new Set(['organisation', 'service', 'team', 'calendar', 'agreement']);
export function canWriteType(u: User, typeName: string): boolean {
  if (!kReferenceTypes.has(typeName)) return canWrite(u);
  return u.roles.some((r) => r === 'admin' || r === 'process_manager' || r === `process_manager:${typeName}`);
}

export function isAdmin(u: User): boolean {
  return u.roles.includes('admin');
}
