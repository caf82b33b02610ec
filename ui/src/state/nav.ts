import { createContext, useContext } from 'react';
import type { ScreenId } from '../screens';

/** Lets a screen send the user to another one (e.g. New batch → Run when a run starts). */
export const NavContext = createContext<(screen: ScreenId) => void>(() => {});

export function useNavigate() {
  return useContext(NavContext);
}
