// Create and edit forms for any record type, built from its fields in /meta. Problems the
// server names per field appear under that field; a stale version (412) says that someone
// else changed the record and offers to reload, and nothing is overwritten.
import { Fragment, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Group, Stack } from '@mantine/core';
import { ApiError, api, errorMessage, fieldOf } from '../api';
import { FieldInput, FieldSyntaxError, normalizeValue } from '../fields';
import { editableFields, type FieldMeta, type RecordData, type TypeMeta } from '../meta';
import { useRecord } from '../refs';

interface Props {
  type: TypeMeta;
  record?: RecordData;
  portal: boolean;
  // Values for a new record (e.g. the service chosen in the catalogue).
  defaults?: Record<string, unknown>;
  // Only these fields (in this order); default: every editable field.
  only?: string[];
  submitLabel?: string;
  onSaved(r: RecordData): void;
  onCancel?(): void;
  onReload?(): void;
  // A screen's own widget for a field (undefined: the generic one).
  renderField?(f: FieldMeta, value: unknown, onChange: (v: unknown) => void, error: string | undefined): ReactNode | undefined;
}

export function RecordForm({ type, record, portal, defaults, only, submitLabel, onSaved, onCancel, onReload, renderField }: Props) {
  let fields: FieldMeta[] = editableFields(type, portal);
  // A new record starts in the initial state: fields that a later state requires on entry
  // (resolution code and note) belong to that transition, not to the create form.
  if (!record && type.workflow?.required_on_enter) {
    const later = new Set(Object.values(type.workflow.required_on_enter).flat());
    fields = fields.filter((f) => !later.has(f.name));
  }
  if (only) fields = only.map((n) => fields.find((f) => f.name === n)).filter((f): f is FieldMeta => !!f);
  const [values, setValues] = useState<Record<string, unknown>>(() => {
    const v: Record<string, unknown> = {};
    for (const f of fields) v[f.name] = record ? record[f.name] : (defaults?.[f.name] ?? f.default ?? null);
    return v;
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A ticket's assignee must belong to its assignment group: offer only its members.
  const group = typeof values.assignment_group === 'number' ? values.assignment_group : undefined;
  const groupField = type.fields.find((f) => f.name === 'assignment_group');
  const team = useRecord(group && fields.some((f) => f.name === 'assignee') ? groupField?.ref_plural : undefined, group);
  const groupMembers = Array.isArray(team.data?.members) ? (team.data.members as number[]) : undefined;
  // A refused save is announced where the eye and the screen reader are: the message at the
  // top of the form is scrolled into view and focused.
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!error || !alertRef.current) return;
    alertRef.current.scrollIntoView({ block: 'center' });
    alertRef.current.focus({ preventScroll: true });
  }, [error]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // What the form would send, field by field; every field that cannot be sent as it is
      // (JSON that does not parse, a duration without a unit) is marked at once.
      const normalized: Record<string, unknown> = {};
      const problems: { field: string; message: string }[] = [];
      for (const f of fields) {
        try {
          normalized[f.name] = normalizeValue(f, values[f.name]);
        } catch (err) {
          if (!(err instanceof FieldSyntaxError)) throw err;
          problems.push(...err.problems);
        }
      }
      if (problems.length) throw new ApiError(400, { title: 'Invalid input', detail: 'Please correct the marked fields.', errors: problems });
      let saved: RecordData;
      if (record) {
        const changes: Record<string, unknown> = {};
        for (const f of fields) {
          const v = normalized[f.name];
          if (JSON.stringify(v) !== JSON.stringify(record[f.name] ?? null)) changes[f.name] = v;
        }
        if (Object.keys(changes).length === 0) {
          onSaved(record);
          return;
        }
        saved = await api<RecordData>(`/api/v1/${type.plural}/${record.id}`, {
          method: 'PATCH',
          body: changes,
          ifMatch: record.version,
        });
      } else {
        const body: Record<string, unknown> = { ...(defaults ?? {}) };
        for (const f of fields) {
          const v = normalized[f.name];
          if (v !== null) body[f.name] = v;
        }
        saved = await api<RecordData>(`/api/v1/${type.plural}`, { method: 'POST', body });
      }
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  const shownFields = new Set(fields.map((f) => f.name));
  const unplaced = apiError?.problem.errors?.filter((fe) => !shownFields.has(fieldOf(fe.field))) ?? [];
  return (
    <form onSubmit={submit} noValidate aria-label={record ? `Edit ${record.number}` : `New ${type.label.toLowerCase()}`}>
      <Stack gap="sm">
        <div ref={alertRef} tabIndex={-1} className="form-alert">
        {apiError?.isConflict ? (
          <Alert color="orange" title="This record changed" role="alert">
            Someone else changed this record while you were editing — reload to see their changes, then make
            yours again.
            {onReload ? (
              <Group mt="xs">
                <Button size="xs" variant="white" color="orange" onClick={onReload}>
                  Reload
                </Button>
              </Group>
            ) : null}
          </Alert>
        ) : error ? (
          <Alert color="red" title="Could not save" role="alert">
            {errorMessage(error)}
            {unplaced.length ? (
              <ul>
                {unplaced.map((fe) => (
                  <li key={fe.field}>
                    {type.fields.find((f) => f.name === fe.field)?.label ?? fe.field}: {fe.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : null}
        </div>
        {fields.map((f, i) => {
          const onChange = (v: unknown) => setValues((prev) => ({ ...prev, [f.name]: v }));
          const custom = renderField?.(f, values[f.name], onChange, apiError?.fieldError(f.name));
          if (custom !== undefined) return <Fragment key={f.name}>{custom}</Fragment>;
          return (
            <FieldInput
              key={f.name}
              field={f}
              value={values[f.name]}
              autoFocus={i === 0}
              error={apiError?.fieldError(f.name)}
              problems={apiError?.problem.errors?.filter((fe) => fieldOf(fe.field) === f.name)}
              typeName={type.name}
              onChange={onChange}
              userIds={f.name === 'assignee' ? groupMembers : undefined}
            />
          );
        })}
        <Group>
          <Button type="submit" loading={busy}>
            {submitLabel ?? (record ? 'Save' : 'Create')}
          </Button>
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}
