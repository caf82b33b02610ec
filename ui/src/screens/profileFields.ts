// The Tenants form's fields, checked as they are typed, in plain words: what the engine would refuse
// when the profile is saved or first used, said beside the field instead.

export type CheckedField = 'domain' | 'smtp_url' | 'from';

// As loose as the engine's parser (lettre's Mailbox): noreply@localhost is an address too.
const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;

export function profileFieldProblem(field: CheckedField, value: string | null | undefined): string | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  switch (field) {
    case 'domain':
      // A local stand-in for a tenant (the sandbox) is given as a loopback URL.
      if (/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(text)) return null;
      if (text.includes('://') || text.includes('/') || /\s/.test(text) || !text.includes('.')) {
        return "Write only the tenant's host name, without https:// or a path, for example acme.eu.auth0.com.";
      }
      return null;
    case 'smtp_url': {
      let parsed: URL;
      try {
        parsed = new URL(text);
      } catch {
        return 'Write the mail server as a URL, for example smtp://it@mail.example.com:587?tls=required.';
      }
      if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
        return `A mail server URL starts with smtp:// or smtps://, not ${parsed.protocol}//.`;
      }
      if (!parsed.hostname) return 'The URL names no server: smtp://user@host:port.';
      if (parsed.password) return 'Leave the password out of the URL: it goes in the SMTP password field, to the keychain.';
      return null;
    }
    case 'from': {
      const inBrackets = /<([^<>]*)>\s*$/.exec(text);
      const address = inBrackets ? inBrackets[1] : text;
      return address !== undefined && ADDRESS.test(address.trim())
        ? null
        : 'Write an address, or a name and an address: Acme IT <it@acme.example>.';
    }
  }
}
