// Toasts, always with a named close button (Mantine's has an icon only).
import { notifications } from '@mantine/notifications';
import { sessionHasEnded } from './api';

export function notify(opts: { message: string; title?: string; color?: 'green' | 'red' | 'orange' | 'blue' }) {
  // A request refused because the session ended is explained once, on the login screen;
  // the screen that sent it does not add its own "could not …" toast.
  if (opts.color === 'red' && sessionHasEnded()) return;
  notifications.show({ ...opts, closeButtonProps: { 'aria-label': 'Dismiss notification' } });
}
