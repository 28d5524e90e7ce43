// Editors for the structured (JSON) fields of the service-level types, so an administrator
// never writes JSON by hand: a calendar's working hours per weekday and holidays, its time
// zone picked from the IANA list, an agreement's targets per priority as durations and its
// pause statuses from the workflows. Each widget sends the API's own JSON and shows the
// server's problems where they belong: `hours.mon[0][1]` under Monday's first "until",
// `targets.P2.resolution` under that cell, `holidays[3]` naming the date.
import { useState, type ReactNode } from 'react';
import { Autocomplete, Button, CloseButton, Fieldset, Group, MultiSelect, Table, Text, TextInput, Textarea } from '@mantine/core';
import { humanize, useMeta, type FieldMeta } from '../meta';

export interface Problem {
  field: string;
  message: string;
}

// What a structured widget holds while it is edited: the value it would send and the
// problems found before sending (a duration without a unit). Sent only when there are none.
export class FieldDraft {
  constructor(
    readonly value: unknown,
    readonly problems: Problem[] = [],
  ) {}
}

export interface StructuredProps {
  field: FieldMeta;
  value: unknown;
  onChange(v: unknown): void;
  // The server's (or the draft's) problems for this field, with their inner paths.
  problems: Problem[];
  required: boolean;
  autoFocus?: boolean;
}

type Widget = (p: StructuredProps) => ReactNode;

// type.field → its editor. A field not listed gets the generic widget of its kind.
export const kStructured: Record<string, Widget> = {
  'calendar.hours': (p) => <WeeklyHoursInput {...p} />,
  'calendar.holidays': (p) => <HolidaysInput {...p} />,
  'calendar.timezone': (p) => <TimeZoneInput {...p} />,
  'agreement.targets': (p) => <TargetsInput {...p} />,
  'agreement.pause_statuses': (p) => <PauseStatusesInput {...p} />,
};

// The messages for exactly this path (`hours.mon[0]`), joined.
function at(problems: Problem[], path: string): string | undefined {
  const m = problems.filter((p) => p.field === path).map((p) => p.message);
  return m.length ? m.join('; ') : undefined;
}

function Legend({ field, required }: { field: FieldMeta; required: boolean }) {
  return (
    <>
      {field.label}
      {required ? (
        <span className="required-mark" aria-hidden="true">
          {' '}
          *
        </span>
      ) : null}
    </>
  );
}

function FieldsetError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <Text c="red.8" size="sm" mt={6} role="alert">
      {children}
    </Text>
  );
}

// ---- Working hours per weekday --------------------------------------------------------

const kDays: [string, string][] = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];

type Hours = Record<string, [string, string][]>;

function toHours(v: unknown): Hours {
  const out: Hours = {};
  const src = v instanceof FieldDraft ? v.value : v;
  for (const [d] of kDays) {
    const day = src && typeof src === 'object' ? (src as Record<string, unknown>)[d] : undefined;
    out[d] = Array.isArray(day) ? day.map((r) => (Array.isArray(r) ? [String(r[0] ?? ''), String(r[1] ?? '')] : ['', ''])) : [];
  }
  return out;
}

const kWeekdays9to5 = (): Hours => Object.fromEntries(kDays.map(([d]) => [d, ['sat', 'sun'].includes(d) ? [] : [['08:00', '18:00']]])) as Hours;
const kAroundTheClock = (): Hours => Object.fromEntries(kDays.map(([d]) => [d, [['00:00', '24:00']]])) as Hours;

export function WeeklyHoursInput({ field, value, onChange, problems, required, autoFocus }: StructuredProps) {
  const [hours, setHours] = useState<Hours>(() => toHours(value));
  const set = (next: Hours) => {
    setHours(next);
    onChange(new FieldDraft(next));
  };
  const edit = (day: string, i: number, end: 0 | 1, text: string) => {
    const ranges = hours[day].map((r, j) => (j === i ? ((end === 0 ? [text, r[1]] : [r[0], text]) as [string, string]) : r));
    set({ ...hours, [day]: ranges });
  };
  const add = (day: string) => {
    const last = hours[day][hours[day].length - 1];
    set({ ...hours, [day]: [...hours[day], last ? [last[1], last[1] < '18:00' ? '18:00' : '24:00'] : ['08:00', '18:00']] });
  };
  const remove = (day: string, i: number) => set({ ...hours, [day]: hours[day].filter((_, j) => j !== i) });
  const top = at(problems, field.name);
  return (
    <Fieldset legend={<Legend field={field} required={required} />} variant="unstyled" className="structured">
      <Group gap="xs" mb="xs">
        <Text size="sm" c="dimmed">
          Fill in:
        </Text>
        <Button size="compact-xs" variant="default" onClick={() => set(kWeekdays9to5())}>
          Mon–Fri 08:00–18:00
        </Button>
        <Button size="compact-xs" variant="default" onClick={() => set(kAroundTheClock())}>
          Around the clock
        </Button>
      </Group>
      <div className="hours-grid">
        {kDays.map(([d, dayName], di) => {
          // Every problem of the day, under the day's row (the inputs are too narrow to hold
          // a sentence): the day's own, each range's and each time's, saying which one.
          const dayMessages: string[] = [];
          const dayError = at(problems, `${field.name}.${d}`);
          if (dayError) dayMessages.push(dayError);
          hours[d].forEach((r, i) => {
            const base = `${field.name}.${d}[${i}]`;
            const whole = at(problems, base);
            if (whole) dayMessages.push(`${r[0]}–${r[1]}: ${whole}`);
            const from = at(problems, `${base}[0]`);
            if (from) dayMessages.push(`From “${r[0]}”: ${from}`);
            const until = at(problems, `${base}[1]`);
            if (until) dayMessages.push(`Until “${r[1]}”: ${until}`);
          });
          const messageId = `${field.name}-${d}-problems`;
          return (
            <div key={d} className="hours-row" role="group" aria-label={dayName}>
              <Text size="sm" fw={500} className="hours-day" aria-hidden="true">
                {dayName}
              </Text>
              <div className="hours-ranges">
                {hours[d].length === 0 ? (
                  <Text size="sm" c="dimmed" className="hours-closed">
                    Closed
                  </Text>
                ) : null}
                {hours[d].map((r, i) => {
                  const n = hours[d].length > 1 ? ` (${i + 1})` : '';
                  const base = `${field.name}.${d}[${i}]`;
                  const rangeError = !!at(problems, base);
                  const described = dayMessages.length ? messageId : undefined;
                  return (
                    <div key={i} className="hours-range">
                      <Group gap={4} wrap="nowrap" align="flex-start">
                        <TextInput
                          size="xs"
                          w={72}
                          aria-label={`${dayName} from${n}`}
                          placeholder="08:00"
                          inputMode="numeric"
                          value={r[0]}
                          error={rangeError || !!at(problems, `${base}[0]`)}
                          aria-describedby={described}
                          autoFocus={autoFocus && di === 0 && i === 0}
                          onChange={(e) => edit(d, i, 0, e.currentTarget.value)}
                        />
                        <Text size="sm" pt={4} aria-hidden="true">
                          –
                        </Text>
                        <TextInput
                          size="xs"
                          w={72}
                          aria-label={`${dayName} until${n}`}
                          placeholder="18:00"
                          inputMode="numeric"
                          value={r[1]}
                          error={rangeError || !!at(problems, `${base}[1]`)}
                          aria-describedby={described}
                          onChange={(e) => edit(d, i, 1, e.currentTarget.value)}
                        />
                        <CloseButton size="sm" mt={2} aria-label={`Remove ${dayName} ${r[0]}–${r[1]}`} onClick={() => remove(d, i)} />
                      </Group>
                    </div>
                  );
                })}
                <Button size="compact-xs" variant="subtle" onClick={() => add(d)} aria-label={`Add hours on ${dayName}`}>
                  + hours
                </Button>
              </div>
              {dayMessages.length ? (
                <Text c="red.8" size="xs" id={messageId} className="hours-day-error">
                  {dayMessages.join(' · ')}
                </Text>
              ) : null}
            </div>
          );
        })}
      </div>
      <Text size="xs" c="dimmed" mt={4}>
        Times are HH:MM in the calendar&apos;s time zone; 24:00 ends a day. A day without hours is closed.
      </Text>
      <FieldsetError>{top}</FieldsetError>
    </Fieldset>
  );
}

// ---- Holidays: one date per line --------------------------------------------------------

function holidayLines(text: string): string[] {
  return text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function HolidaysInput({ field, value, onChange, problems, required }: StructuredProps) {
  const [text, setText] = useState(() => {
    const v = value instanceof FieldDraft ? value.value : value;
    return Array.isArray(v) ? v.join('\n') : '';
  });
  const lines = holidayLines(text);
  // holidays[3] → "2026-13-01: bad date".
  const messages = problems.map((p) => {
    const m = /\[(\d+)\]$/.exec(p.field);
    return m ? `${lines[Number(m[1])] ?? `Date ${Number(m[1]) + 1}`}: ${p.message}` : p.message;
  });
  return (
    <Textarea
      label={field.label}
      required={required}
      description="One date a line (YYYY-MM-DD); no working time on these days"
      placeholder={'2026-12-25\n2026-12-26'}
      autosize
      minRows={2}
      maxRows={10}
      value={text}
      error={messages.length ? messages.join('; ') : undefined}
      onChange={(e) => {
        const t = e.currentTarget.value;
        setText(t);
        onChange(new FieldDraft(holidayLines(t)));
      }}
    />
  );
}

// ---- Time zone ----------------------------------------------------------------------------

let zones: string[] | null = null;
function timeZones(): string[] {
  if (!zones) {
    try {
      zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
    } catch {
      zones = ['UTC'];
    }
  }
  return zones;
}

export function TimeZoneInput({ field, value, onChange, problems, required, autoFocus }: StructuredProps) {
  return (
    <Autocomplete
      label={field.label}
      required={required}
      autoFocus={autoFocus}
      description="For example Europe/Berlin; the working hours are in this zone"
      data={timeZones()}
      limit={12}
      value={typeof value === 'string' ? value : ''}
      error={problems.length ? problems.map((p) => p.message).join('; ') : undefined}
      onChange={(v) => onChange(v)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

// ---- Targets per priority ---------------------------------------------------------------

// Business time as an administrator writes it: "30m", "4h", "1h 30m", "90s".
export function parseBusinessDuration(text: string): number | null | 'invalid' {
  const t = text.trim().toLowerCase();
  if (!t) return null;
  const m = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$/.exec(t);
  if (!m || (!m[1] && !m[2] && !m[3])) return 'invalid';
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export function compactDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : '0m';
}

const kTargetKinds = ['response', 'resolution'] as const;
type Cells = Record<string, Record<(typeof kTargetKinds)[number], string>>;

function usePriorities(): string[] {
  const meta = useMeta();
  const incident = meta.data?.types.find((t) => t.name === 'incident');
  return incident?.fields.find((f) => f.name === 'priority')?.choices ?? ['P1', 'P2', 'P3', 'P4'];
}

function draftTargets(name: string, cells: Cells, order: string[]): FieldDraft {
  const value: Record<string, Record<string, number>> = {};
  const problems: Problem[] = [];
  for (const p of order) {
    const row = cells[p];
    if (!row || (!row.response.trim() && !row.resolution.trim())) continue;
    const out: Record<string, number> = {};
    for (const k of kTargetKinds) {
      const s = parseBusinessDuration(row[k]);
      if (s === 'invalid') problems.push({ field: `${name}.${p}.${k}`, message: 'use hours and minutes, e.g. 30m, 4h or 1h 30m' });
      else if (s !== null) out[k] = s;
    }
    value[p] = out;
  }
  return new FieldDraft(value, problems);
}

export function TargetsInput({ field, value, onChange, problems, required, autoFocus }: StructuredProps) {
  const priorities = usePriorities();
  const [cells, setCells] = useState<Cells>(() => {
    const v = (value instanceof FieldDraft ? value.value : value) as Record<string, Record<string, unknown>> | null;
    const out: Cells = {};
    for (const p of new Set([...priorities, ...Object.keys(v ?? {})])) {
      const row = v?.[p];
      const fmt = (x: unknown) => (typeof x === 'number' ? compactDuration(x) : '');
      out[p] = { response: fmt(row?.response), resolution: fmt(row?.resolution) };
    }
    return out;
  });
  const order = Object.keys(cells);
  const set = (p: string, k: (typeof kTargetKinds)[number], text: string) => {
    const next = { ...cells, [p]: { ...cells[p], [k]: text } };
    setCells(next);
    onChange(draftTargets(field.name, next, order));
  };
  const top = at(problems, field.name);
  return (
    <Fieldset legend={<Legend field={field} required={required} />} variant="unstyled" className="structured">
      <Table className="targets-table" withRowBorders={false} verticalSpacing={4} horizontalSpacing="xs">
        <caption className="visually-hidden">{field.label}</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Priority</Table.Th>
            <Table.Th scope="col">Response within</Table.Th>
            <Table.Th scope="col">Resolution within</Table.Th>
            <Table.Th scope="col">
              <span className="visually-hidden">Problems</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {order.map((p, i) => {
            // The row's problems beside it: the priority's own and each cell's.
            const messages: string[] = [];
            const rowError = at(problems, `${field.name}.${p}`);
            if (rowError) messages.push(rowError);
            for (const k of kTargetKinds) {
              const m = at(problems, `${field.name}.${p}.${k}`);
              if (m) messages.push(`${humanize(k)}: ${m}`);
            }
            const messageId = `${field.name}-${p}-problems`;
            return (
              <Table.Tr key={p}>
                <Table.Th scope="row" fw={600}>
                  {p}
                </Table.Th>
                {kTargetKinds.map((k) => (
                  <Table.Td key={k}>
                    <TextInput
                      size="xs"
                      aria-label={`${p} ${k} target`}
                      placeholder={k === 'response' ? 'e.g. 30m' : 'e.g. 8h'}
                      value={cells[p][k]}
                      autoFocus={autoFocus && i === 0 && k === 'response'}
                      error={!!rowError || !!at(problems, `${field.name}.${p}.${k}`)}
                      aria-describedby={messages.length ? messageId : undefined}
                      onChange={(e) => set(p, k, e.currentTarget.value)}
                    />
                  </Table.Td>
                ))}
                <Table.Td className="targets-problems">
                  {messages.length ? (
                    <Text c="red.8" size="xs" id={messageId}>
                      {messages.join(' · ')}
                    </Text>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={4}>
        Business time in the agreement&apos;s calendar: 30m, 4h, 1h 30m. A priority left empty has no target.
      </Text>
      <FieldsetError>{top}</FieldsetError>
    </Fieldset>
  );
}

// ---- Pause statuses ---------------------------------------------------------------------

export function PauseStatusesInput({ field, value, onChange, problems, required }: StructuredProps) {
  const meta = useMeta();
  const current = Array.isArray(value) ? value.map(String) : [];
  // The open states of the ticket workflows (where a clock can run).
  const states = new Set<string>();
  for (const t of meta.data?.types ?? []) {
    if (!['incident', 'service_request'].includes(t.name) || !t.workflow) continue;
    for (const s of t.workflow.states) if (!t.workflow.final_states.includes(s)) states.add(s);
  }
  for (const s of current) states.add(s);
  return (
    <MultiSelect
      label={field.label}
      required={required}
      description="The clock stops while a ticket is in one of these statuses"
      data={[...states].map((s) => ({ value: s, label: humanize(s) }))}
      value={current}
      error={problems.length ? problems.map((p) => p.message).join('; ') : undefined}
      onChange={(v) => onChange(v)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
