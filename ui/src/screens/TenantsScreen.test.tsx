import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../platform/ipc';
import { mockCommands, sandboxProfile } from '../test/ipcMock';
import { TenantsScreen } from './TenantsScreen';

vi.mock('../platform/ipc', async () => ({ commands: (await import('../test/ipcMock')).mockCommands() }));
const ipc = vi.mocked(commands);

describe('TenantsScreen', () => {
  beforeEach(() => {
    Object.assign(ipc, mockCommands());
  });

  it('lists the Sandbox and saved profiles, marks production, says which secrets are stored', async () => {
    render(<TenantsScreen />);
    const prod = await screen.findByRole('heading', { name: 'acme-prod' });
    const card = prod.closest('li') as HTMLElement;
    expect(within(card).getByText('Production')).toBeInTheDocument();
    expect(within(card).getByTestId('stored')).toHaveTextContent('client secret stored, SMTP password stored');
    const sandbox = screen.getByRole('heading', { name: 'Sandbox' }).closest('li') as HTMLElement;
    expect(within(sandbox).getByText('built in')).toBeInTheDocument();
    expect(within(sandbox).queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('makes a new signing key in Rust and shows it once', async () => {
    ipc.generateSigningKey.mockResolvedValue('k'.repeat(48));
    const user = userEvent.setup();
    render(<TenantsScreen />);
    const card = (await screen.findByRole('heading', { name: 'acme-prod' })).closest('li') as HTMLElement;
    await user.click(within(card).getByRole('button', { name: 'New signing key' }));
    expect(ipc.generateSigningKey).toHaveBeenCalledWith('acme-prod');
    const shown = await screen.findByTestId('new-signing-key');
    expect(within(shown).getByLabelText('New signing key')).toHaveValue('k'.repeat(48));
    await user.click(within(shown).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('new-signing-key')).toBeNull();
    const sandbox = screen.getByRole('heading', { name: 'Sandbox' }).closest('li') as HTMLElement;
    expect(within(sandbox).queryByRole('button', { name: 'New signing key' })).toBeNull();
  });

  it('lets the Sandbox behave as another Auth0 plan, and only the Sandbox', async () => {
    ipc.chooseSandboxPlan.mockResolvedValue({
      ...sandboxProfile,
      plan: { current: 'essentials', options: sandboxProfile.plan?.options ?? [] },
    });
    const user = userEvent.setup();
    render(<TenantsScreen />);
    const select = await screen.findByRole('combobox', { name: 'Rate limits of the Sandbox' });
    expect((select as HTMLSelectElement).value).toBe('enterprise');
    await user.selectOptions(select, 'essentials');
    expect(ipc.chooseSandboxPlan).toHaveBeenCalledWith('Sandbox', 'essentials');
    const production = screen.getByRole('heading', { name: 'acme-prod' }).closest('li') as HTMLElement;
    expect(within(production).queryByRole('combobox', { name: 'Rate limits of the Sandbox' })).toBeNull();
  });

  it('sends a new profile with its secrets, and shows only what the engine says is stored', async () => {
    ipc.saveProfile.mockResolvedValue({
      profile: { name: 'staging', domain: 'acme-staging.eu.auth0.com', client_id: 'cid', connection: null, smtp_url: null, from: null, production: false },
      builtin: false,
      stored: ['client-secret'],
      plan: null,
    });
    const user = userEvent.setup();
    render(<TenantsScreen />);
    await user.click(await screen.findByRole('button', { name: 'Add a profile' }));
    const form = screen.getByRole('form', { name: 'Profile' });
    await user.type(within(form).getByLabelText('Name'), 'staging');
    await user.type(within(form).getByLabelText('Tenant domain'), 'acme-staging.eu.auth0.com');
    await user.type(within(form).getByLabelText(/^Client id/), 'cid');
    await user.type(within(form).getByLabelText(/^Client secret/), 'top-secret');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    expect(ipc.saveProfile).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'staging', domain: 'acme-staging.eu.auth0.com', client_id: 'cid' }),
      { client_secret: 'top-secret' },
    );
    expect(screen.queryByRole('form', { name: 'Profile' })).toBeNull();
    expect(screen.queryByDisplayValue('top-secret')).toBeNull();
  });

  it('checks the fields as they are typed, with an example under each', async () => {
    const user = userEvent.setup();
    render(<TenantsScreen />);
    await user.click(await screen.findByRole('button', { name: 'Add a profile' }));
    const form = screen.getByRole('form', { name: 'Profile' });
    expect(form).toHaveTextContent('For example smtp://user@mail.example.com:587?tls=required');
    const domain = within(form).getByLabelText('Tenant domain');
    await user.type(domain, 'https://acme.eu.auth0.com/');
    expect(domain).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByRole('alert')).toHaveTextContent("Write only the tenant's host name, without https://");
    expect(within(form).getByRole('button', { name: 'Save profile' })).toBeDisabled();
    await user.clear(domain);
    await user.type(domain, 'acme.eu.auth0.com');
    expect(within(form).queryByRole('alert')).toBeNull();
    await user.type(within(form).getByLabelText('SMTP server URL'), 'smtp://it:hunter2@mail.example.com');
    expect(within(form).getByRole('alert')).toHaveTextContent('Leave the password out of the URL');
  });

  it('shows a save error with its code and keeps the form', async () => {
    ipc.saveProfile.mockRejectedValue({ code: 'keychain', message: 'no keychain service is available' });
    const user = userEvent.setup();
    render(<TenantsScreen />);
    await user.click(await screen.findByRole('button', { name: 'Add a profile' }));
    const form = screen.getByRole('form', { name: 'Profile' });
    await user.type(within(form).getByLabelText('Name'), 'x');
    await user.type(within(form).getByLabelText('Tenant domain'), 'x.auth0.com');
    await user.type(within(form).getByLabelText(/^Client id/), 'c');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent('no keychain service is available');
    expect(alert).toHaveTextContent('keychain');
  });

  it('Test connection shows missing scopes, sign-up state and the rate limit', async () => {
    ipc.checkTenant.mockResolvedValue({
      profile: 'acme-prod',
      tenant: 'https://acme.eu.auth0.com',
      granted: ['read:users'],
      needed: ['read:users', 'create:users'],
      missing: ['create:users'],
      connections: [{ name: 'Username-Password-Authentication', signup_disabled: false, enabled_for_client: true }],
      roles: [],
      organizations: [],
      warnings: [],
      rate_limit: 15,
      rate_remaining: 14,
      optional: [{ scope: 'read:roles', needed_for: 'grant roles', granted: false }],
      connection: 'Username-Password-Authentication',
      readiness: 'not_usable',
      advice: ['the client lacks create:users: authorize them in Dashboard'],
    });
    const user = userEvent.setup();
    render(<TenantsScreen />);
    const card = (await screen.findByRole('heading', { name: 'acme-prod' })).closest('li') as HTMLElement;
    await user.click(within(card).getByRole('button', { name: 'Test connection' }));
    expect(await within(card).findByTestId('scopes-missing')).toHaveTextContent('create:users');
    expect(within(card).getByTestId('connections')).toHaveTextContent('sign-up is open');
    expect(within(card).getByTestId('rate-limit')).toHaveTextContent('15');
    expect(within(card).getByTestId('tenant-report')).toHaveTextContent('rate-limit bucket of 15 requests');
    expect(within(card).getByTestId('readiness')).toHaveTextContent('Not usable yet');
    expect(within(card).getByTestId('advice')).toHaveTextContent('the client lacks create:users');
    expect(ipc.checkTenant).toHaveBeenCalledWith('acme-prod');
  });
});
