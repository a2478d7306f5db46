import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as endpoints from '../api/endpoints';
import type { PersonSummary } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { PageHeading } from '../components/page-heading';
import { useLoad } from '../components/use-load';
import { hrefFor } from '../components/use-route';

const TYPING_PAUSE_MS = 150;

/** Find a person as you type: by user name, name or email, the server's paged, indexed search. */
export function SearchScreen() {
  const { t } = useTranslation();
  const inputId = useId();
  const hintId = useId();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  const [found] = useLoad<PersonSummary[] | null>((signal) => (query ? endpoints.findPeople(query, signal).then((a) => a.people) : Promise.resolve(null)), [query]);
  return (
    <section>
      <PageHeading>{t('search.title')}</PageHeading>
      <form className="search-form" role="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor={inputId}>{t('search.label')}</label>
        <input id={inputId} type="search" value={typed} onChange={(event) => setTyped(event.target.value)} aria-describedby={hintId} autoComplete="off" spellCheck={false} autoFocus />
        <p id={hintId} className="muted small">
          {t('search.hint')}
        </p>
      </form>
      <div aria-live="polite">
        {found.status === 'error' && <ErrorNote error={found.error} />}
        {found.status === 'ready' && found.data !== null && (
          <>
            <p className="muted" role="status">
              {found.data.length === 0 ? t('search.none', { query }) : t('search.count', { count: found.data.length })}
            </p>
            {found.data.length > 0 && (
              <ul className="results">
                {found.data.map((person) => (
                  <li key={person.userName}>
                    <a href={hrefFor({ screen: 'person', userName: person.userName })} className="result">
                      <span className="result-name">{person.name ?? person.userName}</span>
                      <span className="muted">
                        {[person.userName, person.email].filter((part, i, all) => part && all.indexOf(part) === i).join(' · ')}
                      </span>
                      <span className="muted small">
                        {t('search.devices', { count: person.devices })}
                        {!person.active && ` · ${t('person.deactivated')}`}
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}
