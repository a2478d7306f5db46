import { type KeyboardEvent, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface PasswordFieldProps {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange(value: string): void;
  onEscape(): void;
  error: string | null;
}

/**
 * A password input with its label, a one-line hint, a show/hide toggle and a
 * Caps Lock warning. It takes focus when it appears.
 *
 * The value is owned by the parent's React state but written to the input's value
 * property, not through React's `value` prop: React mirrors a controlled `value`
 * into the HTML attribute, which would put the password into the page's markup.
 */
export function PasswordField({ id, label, hint, value, onChange, onEscape, error }: PasswordFieldProps) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [shown, setShown] = useState(false);
  const [capsLock, setCapsLock] = useState(false);

  useLayoutEffect(() => {
    if (input.current && input.current.value !== value) input.current.value = value;
  }, [value]);

  // On show, and again when an error appears, so the person can type the fix at once;
  // the error is part of the field's description, so it is read out with it. Before
  // paint, so the first frame that shows the field can already take typing.
  useLayoutEffect(() => {
    input.current?.focus();
  }, [error]);

  function onKey(event: KeyboardEvent<HTMLInputElement>) {
    setCapsLock(event.getModifierState('CapsLock'));
    if (event.type === 'keydown' && event.key === 'Escape') {
      event.preventDefault();
      onEscape();
    }
  }

  const hintId = `${id}-hint`;
  const capsId = `${id}-caps`;
  const errorId = `${id}-error`;
  const describedBy = [hintId, capsLock ? capsId : null, error ? errorId : null].filter(Boolean).join(' ');

  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <p id={hintId} className="field-hint">
        {hint}
      </p>
      <div className="field-row">
        <input
          ref={input}
          id={id}
          name={id}
          type={shown ? 'text' : 'password'}
          className="field-input"
          autoComplete="off"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKey}
          onKeyUp={onKey}
          onBlur={() => setCapsLock(false)}
        />
        <button
          type="button"
          className="button button-quiet field-toggle"
          aria-pressed={shown}
          aria-controls={id}
          onClick={() => setShown((was) => !was)}
        >
          {shown ? t('confirm.hide') : t('confirm.show')}
        </button>
      </div>
      {/* Always present so the warning is announced when it appears. */}
      <p id={capsId} className="field-warning" role="status">
        {capsLock && (
          <>
            <span aria-hidden="true">⇪ </span>
            {t('confirm.capsLock')}
          </>
        )}
      </p>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );
}
