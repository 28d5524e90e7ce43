// Queues an agent saves from a filtered incident list: kept in this browser's storage per
// user (filters only, never data or credentials), shown with live counts beside the built-in
// queues.
import { useCallback, useSyncExternalStore } from 'react';

export interface SavedQueue {
  key: string; // "saved-<n>"
  label: string;
  params: Record<string, string>;
}

const listeners = new Set<() => void>();
const storageKey = (userId: number) => `ordo.queues.${userId}`;
const cache = new Map<number, { raw: string | null; value: SavedQueue[] }>();

function read(userId: number): SavedQueue[] {
  const raw = window.localStorage.getItem(storageKey(userId));
  const hit = cache.get(userId);
  if (hit && hit.raw === raw) return hit.value;
  let value: SavedQueue[] = [];
  try {
    const parsed = raw ? JSON.parse(raw) : [];
    if (Array.isArray(parsed))
      value = parsed.filter((q) => q && typeof q.key === 'string' && typeof q.label === 'string' && q.params && typeof q.params === 'object');
  } catch {
    value = [];
  }
  cache.set(userId, { raw, value });
  return value;
}

function write(userId: number, queues: SavedQueue[]) {
  window.localStorage.setItem(storageKey(userId), JSON.stringify(queues));
  listeners.forEach((l) => l());
}

export function useSavedQueues(userId: number) {
  const queues = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      window.addEventListener('storage', l);
      return () => {
        listeners.delete(l);
        window.removeEventListener('storage', l);
      };
    },
    () => read(userId),
  );
  const add = useCallback(
    (label: string, params: Record<string, string>) => {
      const current = read(userId);
      const n = current.reduce((m, q) => Math.max(m, Number(q.key.replace('saved-', '')) || 0), 0) + 1;
      const q = { key: `saved-${n}`, label, params };
      write(userId, [...current, q]);
      return q;
    },
    [userId],
  );
  const remove = useCallback((key: string) => write(userId, read(userId).filter((q) => q.key !== key)), [userId]);
  return { queues, add, remove };
}
