import { type ReactNode, useEffect, useRef } from 'react';

/**
 * The screen's title. It takes focus when the screen appears, so someone using a
 * screen reader or the keyboard hears and starts from the new screen, not the old one.
 */
export function ScreenHeading({ children, focusOnShow = true, id }: { children: ReactNode; focusOnShow?: boolean; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnShow) ref.current?.focus();
  }, [focusOnShow]);
  return (
    <h1 ref={ref} id={id} tabIndex={-1} className="screen-heading">
      {children}
    </h1>
  );
}
