import type { ProfileView } from '../generated/bindings';

/** One option per tenant profile, valued by its name; `markProduction` flags production tenants. */
export function ProfileOptions({ profiles, markProduction = false }: { profiles: readonly ProfileView[]; markProduction?: boolean }) {
  return profiles.map((p) => (
    <option key={p.profile.name} value={p.profile.name}>
      {p.profile.name}
      {markProduction && p.profile.production ? ' (production)' : ''}
    </option>
  ));
}
