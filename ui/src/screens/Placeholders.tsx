import { EmptyState } from '../components/EmptyState';

// Honest empty states: each says what the screen is for and that this build does not do it yet.

export function TenantsScreen() {
  return (
    <EmptyState title="No tenants yet">
      <p>
        A tenant profile holds an Auth0 domain, a machine-to-machine client and the mail settings. Secrets
        are kept in the operating system&apos;s keychain.
      </p>
      <p>Adding tenant profiles is not available in this build yet.</p>
    </EmptyState>
  );
}

export function NewBatchScreen() {
  return (
    <EmptyState title="No batch in preparation">
      <p>
        A batch starts from a list of people: pasted from a spreadsheet or Outlook, or opened from a CSV or
        workbook file.
      </p>
      <p>Preparing batches is not available in this build yet.</p>
    </EmptyState>
  );
}

export function RunScreen() {
  return (
    <EmptyState title="Nothing is running">
      <p>When a batch runs, its progress and each person&apos;s result appear here.</p>
    </EmptyState>
  );
}

export function HistoryScreen() {
  return (
    <EmptyState title="No batches yet">
      <p>Batches that have run, or were interrupted, are listed here with their outcome.</p>
    </EmptyState>
  );
}

export function FindPersonScreen() {
  return (
    <EmptyState title="Find a person">
      <p>
        Look someone up by email to see whether they have an account and when they were last invited, and
        resend their invitation.
      </p>
      <p>Looking people up needs a tenant, which this build cannot add yet.</p>
    </EmptyState>
  );
}
