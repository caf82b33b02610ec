import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { SCREENS } from './screens';

vi.mock('./platform/ipc', async () => ({ commands: (await import('./test/ipcMock')).mockCommands() }));

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
    expect(screen.getByRole('button', { name: 'Add a profile' })).toBeVisible();
  });

  it('switches screens from the navigation and shows only the current one', async () => {
    const user = userEvent.setup();
    const { container } = render(<App />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    for (const entry of SCREENS) {
      await user.click(within(nav).getByRole('button', { name: entry.title }));
      const panels = container.querySelectorAll('[data-screen-panel]:not([hidden])');
      expect(panels).toHaveLength(1);
      expect(panels[0]).toHaveAttribute('data-screen-panel', entry.id);
      expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(entry.title);
      expect(within(nav).getByRole('button', { name: entry.title })).toHaveAttribute('aria-current', 'page');
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
