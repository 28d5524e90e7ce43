// Server-rendered article HTML (a knowledge article's body_html: cmark-gfm output without
// raw HTML, sanitised on the server) shown as React elements, never through
// dangerouslySetInnerHTML: the markup is parsed by the browser's inert DOMParser (no script
// runs, nothing loads) and rebuilt from an allow-list of elements and attributes, so even a
// server bug could not inject a script, a style or an event handler. Links open only
// http(s), mailto and same-site addresses.
import { createElement, useMemo, type ReactNode } from 'react';

const kElements = new Set([
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'b', 'i', 'del', 's', 'code', 'pre',
  'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img', 'input', 'sup', 'sub',
]);
// Headings inside an article sit below the screen's own h1/h2.
const kHeadingShift: Record<string, string> = { h1: 'h3', h2: 'h4', h3: 'h5', h4: 'h6', h5: 'h6', h6: 'h6' };

function safeUrl(v: string | null): string | undefined {
  if (!v) return undefined;
  const t = v.trim();
  if (/^(https?:|mailto:)/i.test(t) || t.startsWith('/') || t.startsWith('#')) return t;
  return undefined;
}

function convert(node: Node, key: string): ReactNode {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const el = node as Element;
  const tag = el.tagName.toLowerCase();
  const children = Array.from(el.childNodes).map((c, i) => convert(c, `${key}.${i}`));
  if (!kElements.has(tag)) return children.length ? <span key={key}>{children}</span> : null;
  const props: Record<string, unknown> = { key };
  if (tag === 'a') {
    const href = safeUrl(el.getAttribute('href'));
    if (!href) return <span key={key}>{children}</span>;
    props.href = href;
    if (/^https?:/i.test(href)) {
      props.target = '_blank';
      props.rel = 'noopener noreferrer';
    }
  }
  if (tag === 'img') {
    // Only same-site images load under the CSP (img-src 'self'); others show their text.
    const src = safeUrl(el.getAttribute('src'));
    if (!src || !src.startsWith('/')) return el.getAttribute('alt') || null;
    return createElement('img', { key, src, alt: el.getAttribute('alt') ?? '' });
  }
  if (tag === 'input') {
    // GFM task list item: a read-only checkbox.
    if (el.getAttribute('type') !== 'checkbox') return null;
    return createElement('input', { key, type: 'checkbox', checked: el.hasAttribute('checked'), readOnly: true, disabled: true, 'aria-label': 'task' });
  }
  if ((tag === 'th' || tag === 'td') && el.getAttribute('align')) props.className = `align-${el.getAttribute('align')}`;
  if (tag === 'ol' && el.getAttribute('start')) props.start = Number(el.getAttribute('start'));
  if (tag === 'br' || tag === 'hr') return createElement(tag, { key });
  return createElement(kHeadingShift[tag] ?? tag, props, ...children);
}

export function SafeHtml({ html, className }: { html: string; className?: string }) {
  const content = useMemo(() => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    return Array.from(doc.body.childNodes).map((n, i) => convert(n, String(i)));
  }, [html]);
  return <div className={className ?? 'article-body'}>{content}</div>;
}
