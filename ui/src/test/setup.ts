import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(async () => {
  cleanup();
  // Imported here, not at the top: the test file's mocks of the platform layer must apply to it.
  const { resetProfilesForTests } = await import('../state/profiles');
  resetProfilesForTests();
});
