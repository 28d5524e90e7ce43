import { useEffect } from 'react';

// The browser tab (and a screen reader on navigation) names the screen.
export function useDocumentTitle(title: string | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · Ordo` : 'Ordo';
  }, [title]);
}
