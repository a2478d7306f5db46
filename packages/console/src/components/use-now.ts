import { useEffect, useState } from 'react';

/** The time, renewed now and then, so "5 minutes ago" stays true on a page left open (no request is made). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
