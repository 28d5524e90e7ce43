// What is being written survives an ended session: a reply or note is kept in this tab's
// sessionStorage, per user and ticket, until it is sent; logging out removes every draft.
// (Chosen files cannot be kept: a File does not survive the page.)
const kPrefix = 'ordo.draft.';

export interface Draft {
  body: string;
  internal: boolean;
}

export function draftKey(userId: number, plural: string, id: number): string {
  return `${kPrefix}${userId}.${plural}.${id}`;
}

export function loadDraft(key: string): Draft | null {
  try {
    const raw = sessionStorage.getItem(key);
    const d = raw ? (JSON.parse(raw) as Partial<Draft>) : null;
    return d && typeof d.body === 'string' ? { body: d.body, internal: !!d.internal } : null;
  } catch {
    return null; // storage off or unreadable: no draft
  }
}

export function saveDraft(key: string, d: Draft) {
  try {
    if (d.body.trim()) sessionStorage.setItem(key, JSON.stringify(d));
    else sessionStorage.removeItem(key);
  } catch {
    /* storage full or off: the draft lives only on screen */
  }
}

export function clearDrafts() {
  try {
    for (let i = sessionStorage.length - 1; i >= 0; i--) {
      const k = sessionStorage.key(i);
      if (k?.startsWith(kPrefix)) sessionStorage.removeItem(k);
    }
  } catch {
    /* nothing stored */
  }
}
