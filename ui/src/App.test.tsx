import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { commands } from './platform/ipc';
import { followUpChoice } from './state/followUp';
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
    expect(labels).toEqual(['Tenants', 'New batch', 'Run', 'History', 'Follow-up', 'Find person', 'Settings']);
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

  it('says at launch what the cadences have due, and Review opens that batch\'s follow-up', async () => {
    vi.mocked(commands).followUpDue.mockResolvedValueOnce([
      { batch_id: 'b-7', batch_name: 'Seats', due: { reminders: ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com'], reissues: [] } },
    ]);
    vi.mocked(commands).history.mockResolvedValue([]);
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByTestId('due-notice')).toHaveTextContent('4 reminders are due in "Seats".');
    await user.click(screen.getByRole('button', { name: 'Review' }));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Follow-up');
    expect(screen.queryByTestId('due-notice')).toBeNull();
    followUpChoice.choose(null);
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
