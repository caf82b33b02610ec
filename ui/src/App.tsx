import { useState, type ReactElement } from 'react';
import appIcon from '../../icons/app-icon.svg';
import { SCREENS, type ScreenId } from './screens';
import { CloseGuard } from './components/CloseGuard';
import { DueNotice } from './components/DueNotice';
import { FirstRunCard } from './components/FirstRunCard';
import { InterruptedNotice } from './components/InterruptedNotice';
import { FindPersonScreen } from './screens/FindPersonScreen';
import { FollowUpScreen } from './screens/FollowUpScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { NewBatchScreen } from './screens/NewBatchScreen';
import { RunScreen } from './screens/RunScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { TenantsScreen } from './screens/TenantsScreen';
import { NavContext } from './state/nav';

const RENDER: Record<ScreenId, () => ReactElement> = {
  tenants: TenantsScreen,
  'new-batch': NewBatchScreen,
  run: RunScreen,
  history: HistoryScreen,
  'follow-up': FollowUpScreen,
  'find-person': FindPersonScreen,
  settings: SettingsScreen,
};

export function App() {
  const [current, setCurrent] = useState<ScreenId>('tenants');
  const title = SCREENS.find((s) => s.id === current)?.title ?? '';

  return (
    <NavContext.Provider value={setCurrent}>
    <div className="frame">
      <nav className="frame__nav" aria-label="Main">
        <div className="frame__brand">
          <img src={appIcon} alt="" width="28" height="28" />
          <span>Invite Desk</span>
        </div>
        <ul>
          {SCREENS.map((screen) => (
            <li key={screen.id}>
              <button
                type="button"
                data-screen={screen.id}
                aria-current={screen.id === current ? 'page' : undefined}
                onClick={() => setCurrent(screen.id)}
              >
                {screen.title}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="frame__main" aria-labelledby="screen-title">
        <h1 id="screen-title">{title}</h1>
        <InterruptedNotice />
        <DueNotice />
        <CloseGuard />
        {/* Screens stay mounted while hidden, so a half-done wizard survives a look at the Run screen. */}
        {SCREENS.map(({ id }) => {
          const Screen = RENDER[id];
          return (
            <div key={id} hidden={id !== current} data-screen-panel={id}>
              {id === 'tenants' && <FirstRunCard />}
              <Screen />
            </div>
          );
        })}
      </main>
    </div>
    </NavContext.Provider>
  );
}
