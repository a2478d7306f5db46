import { useEffect, useRef } from 'react';

/**
 * A screen's heading, focused when the screen opens, so a keyboard or screen-reader user
 * starts at the new screen's top rather than on a link that is gone.
 */
export function PageHeading({ children, focus = true }: { children: React.ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: true });
  }, [focus]);
  return (
    <h1 className="page-heading" tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}
