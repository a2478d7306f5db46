import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { forgetBridge } from '../src/bridge';
import { resetStore } from '../src/store/app-store';

// Each test starts with an empty page, a fresh store, no chosen bridge and real timers.
afterEach(() => {
  cleanup();
  resetStore();
  forgetBridge();
  vi.useRealTimers();
  vi.restoreAllMocks();
});
