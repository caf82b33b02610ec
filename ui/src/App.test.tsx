import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { SCREENS } from './screens';

vi.mock('./platform/ipc', () => ({
  commands: {
    appInfo: vi.fn().mockResolvedValue({
      name: 'Invite Desk',
      version: '9.9.9',
      data_dir: '/data',
      log_dir: '/data/logs',
    }),
  },
}));

describe('App frame', () => {
  it('lists every screen of the design in the navigation', () => {
    render(<App />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const labels = within(nav)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(labels).toEqual(['Tenants', 'New batch', 'Run', 'History', 'Find person', 'Settings']);
  });

  it('opens on Tenants and marks it as the current page', () => {
    render(<App />);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Tenants');
    expect(screen.getByRole('button', { name: 'Tenants' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByText('No tenants yet')).toBeInTheDocument();
  });

  it('switches screens from the navigation and shows each one', async () => {
    const user = userEvent.setup();
    render(<App />);
    for (const entry of SCREENS) {
      await user.click(screen.getByRole('button', { name: entry.title }));
      expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(entry.title);
      expect(screen.getByRole('button', { name: entry.title })).toHaveAttribute('aria-current', 'page');
    }
  });

  it('can be driven from the keyboard', async () => {
    const user = userEvent.setup();
    render(<App />);
    await user.tab();
    await user.tab();
    expect(screen.getByRole('button', { name: 'New batch' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('New batch');
  });
});
