// The Email step's delivery fields, checked as they are typed with the Tenants form's rules (an
// smtp:// or smtps:// URL without a password, a sender address), and each one the delivery needs
// filled in before the batch runs.
import type { Delivery } from '../../generated/bindings';
import { profileFieldProblem } from '../profileFields';

export type DeliveryField = 'smtp_url' | 'from' | 'outbox_dir' | 'links_file';

export const DELIVERY_LABELS: Record<DeliveryField, string> = {
  smtp_url: 'SMTP server URL',
  from: 'Sender',
  outbox_dir: 'Outbox folder',
  links_file: 'Links file',
};

export const SMTP_URL_EXAMPLE = 'smtp://it@mail.example.com:587 (smtps:// for port 465)';

/** What is wrong with a delivery field as it is now: said beside it once typed, and in Review. */
export function deliveryProblems(delivery: Delivery): Partial<Record<DeliveryField, string>> {
  const out: Partial<Record<DeliveryField, string>> = {};
  const needed = (field: DeliveryField, value: string | null, what: string) => {
    if ((value ?? '').trim() === '') out[field] = what;
  };
  switch (delivery.kind) {
    case 'smtp': {
      const url = profileFieldProblem('smtp_url', delivery.url);
      if (url) out.smtp_url = url;
      const from = profileFieldProblem('from', delivery.from);
      if (from) out.from = from;
      needed('smtp_url', delivery.url, 'Write the mail server the messages go through.');
      needed('from', delivery.from, 'Write who the messages are from.');
      break;
    }
    case 'outbox':
      needed('outbox_dir', delivery.dir, 'Write the folder the .eml files go to.');
      break;
    case 'export-links':
      needed('links_file', delivery.file, 'Write the file the links go to.');
      break;
    case 'auth0':
      break;
  }
  return out;
}
