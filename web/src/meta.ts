// Record-type metadata from GET /api/v1/meta: every generic screen (list, detail, form,
// workflow buttons) is driven by it, so a type declared on the server appears here
// without new UI code.
import { useQuery } from '@tanstack/react-query';
import { api } from './api';

export type FieldKind =
  | 'text'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'choice'
  | 'reference'
  | 'reference_list'
  | 'timestamp'
  | 'date'
  | 'duration'
  | string;

export interface FieldMeta {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  searchable: boolean;
  indexed: boolean;
  readonly: boolean;
  derived: boolean;
  multiline: boolean;
  internal?: boolean;
  default?: unknown; // the value a new record gets when the field is left out
  max_length?: number;
  min?: number;
  max?: number;
  choices?: string[];
  ref?: string;
  ref_plural?: string;
}

export interface Transition {
  from: string;
  to: string;
}

export interface WorkflowMeta {
  initial: string;
  states: string[];
  final_states: string[];
  transitions: Transition[];
  required_on_enter?: Record<string, string[]>;
}

export interface TypeMeta {
  name: string;
  plural: string;
  prefix: string;
  label: string;
  clause?: string;
  fields: FieldMeta[];
  workflow: WorkflowMeta | null;
}

export interface Meta {
  api_version: string;
  types: TypeMeta[];
}

export type RecordData = {
  id: number;
  number: string;
  version: number;
  status?: string;
  created_at: string;
  updated_at: string;
  created_by?: number;
  [field: string]: unknown;
};

export interface Page<T = RecordData> {
  items: T[];
  next_cursor: string | null;
  total?: number;
}

export function useMeta() {
  return useQuery({
    queryKey: ['meta'],
    queryFn: () => api<Meta>('/api/v1/meta'),
    staleTime: Infinity,
  });
}

export function findType(meta: Meta | undefined, plural: string | undefined): TypeMeta | undefined {
  return meta?.types.find((t) => t.plural === plural);
}

export function typeByName(meta: Meta | undefined, name: string | undefined): TypeMeta | undefined {
  return meta?.types.find((t) => t.name === name);
}

// The API path of a reference field's target, or undefined for users (not a record type).
export function refPlural(meta: Meta | undefined, f: FieldMeta): string | undefined {
  if (f.ref_plural) return f.ref_plural;
  return typeByName(meta, f.ref)?.plural;
}

// Fields every record carries besides its declared ones; all of them filter, and these sort.
export const kSortableBuiltins = ['id', 'number', 'created_at', 'updated_at', 'status'];

export function isSortable(f: FieldMeta): boolean {
  return f.indexed;
}

// The field that names a record in lists and references: title, name, else the first text.
export function titleField(t: TypeMeta): FieldMeta | undefined {
  return (
    t.fields.find((f) => f.name === 'title') ??
    t.fields.find((f) => f.name === 'name') ??
    t.fields.find((f) => f.kind === 'text' && !f.multiline)
  );
}

export function recordTitle(t: TypeMeta | undefined, r: RecordData | undefined): string {
  if (!r) return '';
  const f = t && titleField(t);
  const v = f ? r[f.name] : undefined;
  return typeof v === 'string' && v ? v : r.number;
}

export function allowedTransitions(t: TypeMeta, status: string | undefined): string[] {
  if (!t.workflow || !status) return [];
  return t.workflow.transitions.filter((tr) => tr.from === status).map((tr) => tr.to);
}

export function openStates(t: TypeMeta): string[] {
  if (!t.workflow) return [];
  const closedLike = new Set([...t.workflow.final_states, 'resolved']);
  return t.workflow.states.filter((s) => !closedLike.has(s));
}

export function humanize(s: string): string {
  if (s === 'sla' || s === 'ola' || s === 'uc') return s.toUpperCase(); // agreement kinds are acronyms
  const t = s.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// Fields a form may write: not readonly, not derived, and (for portal users) not internal.
export function editableFields(t: TypeMeta, portal: boolean): FieldMeta[] {
  return t.fields.filter((f) => !f.readonly && !f.derived && !(portal && f.internal));
}

export function visibleFields(t: TypeMeta, portal: boolean): FieldMeta[] {
  return t.fields.filter((f) => !(portal && f.internal));
}
