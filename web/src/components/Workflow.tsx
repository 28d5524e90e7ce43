// Workflow buttons: one per transition the record's type allows from its status. A state
// that requires fields on entry (e.g. resolved: resolution code and note) asks for them in
// a dialog and sends them with the transition in one request.
import { forwardRef, useImperativeHandle, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { notify } from '../notify';
import { ApiError, api, errorMessage } from '../api';
import { FieldInput, normalizeValue } from '../fields';
import { allowedTransitions, humanize, type FieldMeta, type RecordData, type TypeMeta } from '../meta';

export interface WorkflowHandle {
  // Starts the transition to `to` (asking for required fields first); false if not allowed.
  start(to: string): boolean;
}

interface Props {
  type: TypeMeta;
  record: RecordData;
  onDone(r: RecordData): void;
  // The record changed meanwhile (412): the caller fetches the current version.
  onStale?(): void;
  disabled?: boolean;
}

const kPrimary = new Set(['in_progress', 'resolved', 'closed']);
// States entered only through their own route (a service request's approval decision).
const kDecidedElsewhere: Record<string, string[]> = { service_request: ['approved', 'rejected'] };

export const WorkflowButtons = forwardRef<WorkflowHandle, Props>(function WorkflowButtons(
  { type, record, onDone, onStale, disabled },
  ref,
) {
  const targets = allowedTransitions(type, record.status).filter((to) => !kDecidedElsewhere[type.name]?.includes(to));
  const [target, setTarget] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const needed: FieldMeta[] = (target ? (type.workflow?.required_on_enter?.[target] ?? []) : [])
    .map((n) => type.fields.find((f) => f.name === n))
    .filter((f): f is FieldMeta => !!f);

  async function send(to: string, extra: Record<string, unknown>) {
    setBusy(true);
    setError(null);
    try {
      const r = await api<RecordData>(`/api/v1/${type.plural}/${record.id}/transitions`, {
        method: 'POST',
        body: { to, ...extra },
        ifMatch: record.version,
      });
      setTarget(null);
      notify({ message: `${r.number} is now ${humanize(to).toLowerCase()}`, color: 'green' });
      onDone(r);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.isConflict) onStale?.();
      if (!(type.workflow?.required_on_enter?.[to]?.length)) {
        notify({ title: 'Transition refused', message: errorMessage(e), color: 'red' });
      }
    } finally {
      setBusy(false);
    }
  }

  function start(to: string): boolean {
    if (!targets.includes(to)) return false;
    const req = type.workflow?.required_on_enter?.[to] ?? [];
    setError(null);
    if (req.length) {
      const init: Record<string, unknown> = {};
      for (const n of req) init[n] = record[n] ?? null;
      setValues(init);
      setTarget(to);
    } else {
      void send(to, {});
    }
    return true;
  }
  useImperativeHandle(ref, () => ({ start }));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!target) return;
    const extra: Record<string, unknown> = {};
    for (const f of needed) extra[f.name] = normalizeValue(f, values[f.name]);
    void send(target, extra);
  }

  if (!targets.length) return null;
  const apiError = error instanceof ApiError ? error : null;
  return (
    <>
      <Group gap="xs" role="group" aria-label="Workflow">
        {targets.map((to) => (
          <Button
            key={to}
            size="xs"
            variant={kPrimary.has(to) ? 'filled' : 'default'}
            color={to === 'cancelled' ? 'red' : undefined}
            onClick={() => start(to)}
            disabled={disabled || busy}
          >
            {humanize(to)}
          </Button>
        ))}
      </Group>
      <Modal lockScroll={false} closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={!!target} onClose={() => setTarget(null)} title={target ? `${humanize(target)}: ${record.number}` : ''}>
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            {error ? (
              <Alert color={apiError?.isConflict ? 'orange' : 'red'} role="alert">
                {errorMessage(error)}
              </Alert>
            ) : null}
            {needed.map((f, i) => (
              <FieldInput
                key={f.name}
                field={f}
                forceRequired
                autoFocus={i === 0}
                value={values[f.name]}
                error={apiError?.fieldError(f.name)}
                onChange={(v) => setValues((p) => ({ ...p, [f.name]: v }))}
              />
            ))}
            <Group>
              <Button type="submit" loading={busy}>
                {target ? humanize(target) : ''}
              </Button>
              <Button variant="default" onClick={() => setTarget(null)}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
});
