import { useEffect, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import type { AppError, AppInfo } from '../generated/bindings';
import { commands } from '../platform/ipc';

type Load = { state: 'loading' } | { state: 'ready'; info: AppInfo } | { state: 'failed'; error: AppError };

export function SettingsScreen() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    commands.appInfo().then(
      (info) => live && setLoad({ state: 'ready', info }),
      (error: AppError) => live && setLoad({ state: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <section aria-label="Settings">
      <h2>About this installation</h2>
      {load.state === 'loading' && <p aria-busy="true">Reading settings…</p>}
      {load.state === 'failed' && <ErrorNotice error={load.error} />}
      {load.state === 'ready' && (
        <dl className="facts">
          <dt>Version</dt>
          <dd data-testid="app-version">
            {load.info.name} {load.info.version}
          </dd>
          <dt>Data folder</dt>
          <dd>
            <code data-testid="data-dir">{load.info.data_dir}</code>
          </dd>
          <dt>Log folder</dt>
          <dd>
            <code data-testid="log-dir">{load.info.log_dir}</code>
          </dd>
        </dl>
      )}
    </section>
  );
}
