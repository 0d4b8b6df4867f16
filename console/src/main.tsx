import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError, keyStore, roleAllows, type Caller, type Problem } from './api';
import { ProblemView, toProblem } from './components';
import { DocumentPage, DocumentsPage } from './pages/documents';
import { JobPage } from './pages/job';
import { JobsPage } from './pages/jobs';
import { OperationsPage } from './pages/operations';
import { useRoute } from './router';
import './style.css';

/** Asks for an API key and checks it with `GET /me`; the key is kept for this browser tab only. */
function KeyForm({
  onCaller,
  problem,
}: {
  onCaller: (key: string, caller: Caller) => void;
  problem: Problem | null;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<Problem | null>(problem);
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const caller = await new Api(key.trim()).get<Caller>('/me');
      onCaller(key.trim(), caller);
    } catch (failure: unknown) {
      setError(toProblem(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="key-form">
      <h1>event-jobs console</h1>
      <form
        aria-label="Sign in with an API key"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label>
          API key
          <input
            type="password"
            name="api-key"
            autoComplete="off"
            required
            autoFocus
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          Open the console
        </button>
        <p class="muted">
          Kept in this tab’s session storage only, and sent to this gateway as{' '}
          <code>Authorization: Bearer</code>.
        </p>
      </form>
      {error && <ProblemView problem={error} heading="Key refused" />}
    </main>
  );
}

function App() {
  const [key, setKey] = useState<string | null>(keyStore.get);
  const [caller, setCaller] = useState<Caller | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const route = useRoute();

  const forget = (reason: Problem | null): void => {
    keyStore.clear();
    setKey(null);
    setCaller(null);
    setProblem(reason);
  };
  const api = useMemo(
    () =>
      key === null
        ? null
        : new Api(key, () => forget({ status: 401, title: 'Unauthorized', detail: 'The key was refused' })),
    [key],
  );

  // A key from this tab's session: ask again who it is (it may have been revoked meanwhile).
  useEffect(() => {
    if (api === null || caller !== null) return;
    api.get<Caller>('/me').then(setCaller, (error: unknown) => {
      forget(error instanceof ApiError ? error.problem : toProblem(error));
    });
  }, [api, caller]);

  if (key === null || api === null) {
    return (
      <KeyForm
        problem={problem}
        onCaller={(newKey, newCaller) => {
          keyStore.set(newKey);
          setKey(newKey);
          setCaller(newCaller);
          setProblem(null);
        }}
      />
    );
  }
  if (caller === null) return <p role="status">Checking the key…</p>;

  const isAdmin = roleAllows(caller.role, 'admin');
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">event-jobs</span>
        <nav aria-label="Console">
          <a href="#/jobs" aria-current={route.page === 'jobs' || route.page === 'job' ? 'page' : undefined}>
            Jobs
          </a>
          <a
            href="#/documents"
            aria-current={route.page === 'documents' || route.page === 'document' ? 'page' : undefined}
          >
            Documents
          </a>
          {isAdmin && (
            <a href="#/operations" aria-current={route.page === 'operations' ? 'page' : undefined}>
              Operations
            </a>
          )}
          <a href="/docs">API docs</a>
        </nav>
        <span class="who" data-testid="caller">
          {caller.tenant} · {caller.role}
        </span>
        <button type="button" onClick={() => forget(null)}>
          Forget key
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'jobs' && <JobsPage api={api} caller={caller} />}
        {route.page === 'job' && <JobPage key={route.id} api={api} caller={caller} id={route.id} />}
        {route.page === 'documents' && <DocumentsPage api={api} caller={caller} />}
        {route.page === 'document' && <DocumentPage key={route.id} api={api} id={route.id} />}
        {route.page === 'operations' &&
          (isAdmin ? (
            <OperationsPage api={api} />
          ) : (
            <ProblemView
              problem={{ status: 403, title: 'Forbidden', detail: 'Operations need an admin key' }}
            />
          ))}
        {route.page === 'not-found' && <p>No page {route.hash}.</p>}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.replaceChildren();
  render(<App />, root);
}
