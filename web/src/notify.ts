// Toasts, always with a named close button (Mantine's has an icon only).
import { notifications } from '@mantine/notifications';

export function notify(opts: { message: string; title?: string; color?: 'green' | 'red' | 'orange' | 'blue' }) {
  notifications.show({ ...opts, closeButtonProps: { 'aria-label': 'Dismiss notification' } });
}
