// How one field of a record is shown and edited, by its kind from /meta. Values go to the
// server in the API's own forms: RFC 3339 UTC timestamps, integer ids, seconds.
import { Badge, Checkbox, NumberInput, Select, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { humanize, type FieldMeta } from './meta';
import { RefMultiSelect, RefSelect, RefValue } from './refs';
import { SafeHtml } from './components/SafeHtml';
import { FieldDraft, compactDuration, kStructured, type Problem } from './components/StructuredInputs';

export function formatTimestamp(v: unknown): string {
  if (typeof v !== 'string' || !v) return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// For table cells: "22 Nov, 14:05", with the year only when it is not this year.
export function formatShortTimestamp(v: unknown): string {
  if (typeof v !== 'string' || !v) return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const sameYear = d.getFullYear() === new Date().getFullYear();
  return d.toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    year: sameYear ? undefined : 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

// "2d 3h 5m" of wall-clock time; with business=true no days ("51h 5m"): a business day is
// not 24 hours, so days of business time would mislead.
export function formatDuration(totalSeconds: number, business = false): string {
  const neg = totalSeconds < 0;
  let s = Math.abs(Math.round(totalSeconds));
  const d = business ? 0 : Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h || d) parts.push(`${h}h`);
  parts.push(`${m}m`);
  if (!d && !h && m < 5) parts.push(`${s - m * 60}s`);
  return (neg ? '−' : '') + parts.join(' ');
}

const kStatusColors: Record<string, string> = {
  new: 'blue',
  in_progress: 'cyan',
  pending_customer: 'yellow',
  pending_supplier: 'yellow',
  resolved: 'green',
  closed: 'gray',
  cancelled: 'gray',
};

export function StatusBadge({ status }: { status: string | undefined }) {
  if (!status) return null;
  return (
    <Badge color={kStatusColors[status] ?? 'indigo'} variant="light" radius="sm">
      {humanize(status)}
    </Badge>
  );
}

const kPriorityColors: Record<string, string> = { P1: 'red', P2: 'orange', P3: 'yellow', P4: 'gray' };

export function FieldValue({ field, value, link = true }: { field: FieldMeta; value: unknown; link?: boolean }) {
  if (value === null || value === undefined || value === '') return <Text span c="dimmed">—</Text>;
  switch (field.kind) {
    case 'boolean':
      return <>{value ? 'Yes' : 'No'}</>;
    case 'choice':
      if (field.name === 'priority' && typeof value === 'string')
        return (
          <Badge color={kPriorityColors[value] ?? 'gray'} variant={value === 'P1' ? 'filled' : 'light'} radius="sm">
            {value}
          </Badge>
        );
      return <>{humanize(String(value))}</>;
    case 'reference':
      return typeof value === 'number' ? <RefValue field={field} id={value} link={link} /> : <>{String(value)}</>;
    case 'reference_list':
      if (!Array.isArray(value) || value.length === 0) return <Text span c="dimmed">—</Text>;
      return (
        <>
          {value.map((id, i) => (
            <span key={String(id)}>
              {i ? ', ' : ''}
              <RefValue field={field} id={Number(id)} link={link} />
            </span>
          ))}
        </>
      );
    case 'timestamp':
      return (
        <Tooltip label={String(value)} openDelay={500}>
          <time dateTime={String(value)}>{formatTimestamp(value)}</time>
        </Tooltip>
      );
    case 'duration':
      return <>{typeof value === 'number' ? formatDuration(value) : String(value)}</>;
    case 'json':
      // A list of workflow states (an agreement's pause statuses) reads as the states do.
      if (/_statuses$/.test(field.name) && Array.isArray(value) && value.every((v) => typeof v === 'string'))
        return <>{value.length ? value.map((v) => humanize(v)).join(', ') : '—'}</>;
      return <JsonValue value={value} seconds={/seconds/i.test(field.label)} label={field.label} />;
    default:
      if (typeof value === 'object') return <code>{JSON.stringify(value)}</code>;
      // Server-rendered HTML (a knowledge article's body_html), rebuilt from an allow-list.
      if (field.name.endsWith('_html') && typeof value === 'string') return <SafeHtml html={value} />;
      return field.multiline ? <Text className="prewrap" size="sm">{String(value)}</Text> : <>{String(value)}</>;
  }
}

function isPlain(v: unknown): v is string | number | boolean | null {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

// JSON fields read as what they are: a table for an object of flat objects (an agreement's
// targets per priority), a list for arrays of plain values (pause statuses, holidays), rows
// of ranges for an object of arrays (a calendar's hours); anything else as formatted JSON.
// Numbers of a field whose label says "seconds" are shown as durations.
export function JsonValue({ value, seconds, label }: { value: unknown; seconds: boolean; label: string }) {
  const fmt = (v: unknown) => (typeof v === 'number' && seconds ? compactDuration(v) : isPlain(v) ? String(v) : JSON.stringify(v));
  if (Array.isArray(value) && value.every(isPlain)) return <>{value.length ? value.map(fmt).join(', ') : '—'}</>;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    const flatObjects = entries.length > 0 && entries.every(([, v]) => v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isPlain));
    if (flatObjects) {
      const cols = [...new Set(entries.flatMap(([, v]) => Object.keys(v as object)))];
      return (
        <table className="json-table">
          <caption className="visually-hidden">{label}</caption>
          <thead>
            <tr>
              <td />
              {cols.map((c) => (
                <th key={c} scope="col">
                  {humanize(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                {cols.map((c) => (
                  <td key={c}>{fmt((v as Record<string, unknown>)[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    if (entries.every(([, v]) => Array.isArray(v))) {
      const range = (r: unknown) => (Array.isArray(r) && r.length === 2 && r.every(isPlain) ? `${r[0]}–${r[1]}` : fmt(r));
      return (
        <dl className="json-rows">
          {entries.map(([k, v]) => (
            <div key={k}>
              <dt>{humanize(k)}</dt>
              <dd>{(v as unknown[]).length ? (v as unknown[]).map(range).join(', ') : '—'}</dd>
            </div>
          ))}
        </dl>
      );
    }
  }
  return <pre className="json-value">{JSON.stringify(value, null, 2)}</pre>;
}

// datetime-local inputs speak local time without a zone; the API speaks UTC.
function toLocalInput(v: unknown): string {
  if (typeof v !== 'string' || !v) return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(s: string): string | null {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface FieldInputProps {
  field: FieldMeta;
  value: unknown;
  onChange(v: unknown): void;
  error?: string;
  // Required here even if the type does not require it (e.g. required to enter a state).
  forceRequired?: boolean;
  autoFocus?: boolean;
  // For user references: only these users are offered (e.g. the assignment group's members).
  userIds?: number[];
  // The record type the field belongs to: some fields have their own editor (a calendar's
  // hours, an agreement's targets), see components/StructuredInputs.tsx.
  typeName?: string;
  // The problems for this field with their inner paths (`targets.P1.response`), for those
  // editors to place under the part they concern.
  problems?: Problem[];
}

export function FieldInput({ field, value, onChange, error, forceRequired, autoFocus, userIds, typeName, problems }: FieldInputProps) {
  const required = field.required || !!forceRequired;
  const structured = typeName ? kStructured[`${typeName}.${field.name}`] : undefined;
  if (structured)
    return structured({ field, value, onChange, required, autoFocus, problems: problems ?? (error ? [{ field: field.name, message: error }] : []) });
  const common = { label: field.label, required, error, autoFocus, name: field.name };
  switch (field.kind) {
    case 'boolean':
      return (
        <Checkbox
          label={field.label}
          name={field.name}
          checked={!!value}
          error={error}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
      );
    case 'integer':
    case 'decimal':
    case 'duration':
      return (
        <NumberInput
          {...common}
          description={field.kind === 'duration' ? 'In seconds' : undefined}
          min={field.min}
          max={field.max}
          allowDecimal={field.kind === 'decimal'}
          value={typeof value === 'number' ? value : ''}
          onChange={(v) => onChange(v === '' ? null : typeof v === 'number' ? v : Number(v))}
        />
      );
    case 'choice':
      return (
        <Select
          {...common}
          data={(field.choices ?? []).map((c) => ({ value: c, label: humanize(c) }))}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v)}
          clearable={!required}
          allowDeselect={!required}
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'reference':
      return (
        <RefSelect
          field={field}
          label={field.label}
          required={required}
          error={error}
          value={typeof value === 'number' ? value : null}
          onChange={onChange}
          userFilter={userIds ? (u) => userIds.includes(u.id) : undefined}
          description={userIds ? 'Members of the assignment group' : undefined}
        />
      );
    case 'reference_list':
      return (
        <RefMultiSelect
          field={field}
          label={field.label}
          error={error}
          value={Array.isArray(value) ? value.map(Number) : []}
          onChange={onChange}
        />
      );
    case 'timestamp':
      return (
        <TextInput
          {...common}
          type="datetime-local"
          value={toLocalInput(value)}
          onChange={(e) => onChange(fromLocalInput(e.currentTarget.value))}
        />
      );
    case 'json':
      return (
        <Textarea
          {...common}
          classNames={{ input: 'json-input' }}
          description="JSON"
          autosize
          minRows={3}
          maxRows={16}
          value={value instanceof JsonDraft ? value.text : value === null || value === undefined ? '' : JSON.stringify(value, null, 2)}
          onChange={(e) => onChange(new JsonDraft(e.currentTarget.value))}
        />
      );
    case 'date':
      return (
        <TextInput
          {...common}
          type="date"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
        />
      );
    default:
      if (field.multiline)
        return (
          <Textarea
            {...common}
            autosize
            minRows={3}
            maxRows={12}
            maxLength={field.max_length}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
        );
      return (
        <TextInput
          {...common}
          maxLength={field.max_length}
          value={typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
}

// The text of a JSON field being edited; parsed when the form is sent.
export class JsonDraft {
  constructor(readonly text: string) {}
}

export class FieldSyntaxError extends Error {
  constructor(
    readonly field: string,
    message: string,
    // Several problems inside one structured field (each with its inner path).
    readonly problems: Problem[] = [{ field, message }],
  ) {
    super(message);
  }
}

// What to send for a form value: empty strings become null (cleared). Throws
// FieldSyntaxError for JSON that does not parse.
export function normalizeValue(field: FieldMeta, v: unknown): unknown {
  if (v instanceof FieldDraft) {
    if (v.problems.length) throw new FieldSyntaxError(field.name, v.problems[0].message, v.problems);
    return v.value;
  }
  if (v instanceof JsonDraft) {
    if (!v.text.trim()) return null;
    try {
      return JSON.parse(v.text);
    } catch (e) {
      throw new FieldSyntaxError(field.name, `is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (v === '' || v === undefined) return null;
  if (field.kind === 'text' && typeof v === 'string') return v;
  return v;
}
