import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Problem } from './api';

export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status.toLowerCase()}`}>{status}</span>;
}

export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre class="json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** A time as the user's locale writes it, with the ISO value in a tooltip. */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">–</span>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={iso}>
      {date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}
    </time>
  );
}

/** The API's problem+json, whole: status, title, detail, field errors and correlation id. */
export function ProblemView({ problem, heading }: { problem: Problem; heading?: string }) {
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{heading ?? 'The API refused'}</strong>: {problem.status} {problem.title}
        {problem.detail ? ` – ${problem.detail}` : ''}
      </p>
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((error) => (
            <li key={error.path}>
              <code>{error.path}</code>: {error.message}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>problem+json</summary>
        <Json value={problem} label="problem details" />
      </details>
    </div>
  );
}

/** Any error as a problem (a network failure has no status: 0). */
export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  return {
    status: 0,
    title: 'Network error',
    detail: error instanceof Error ? error.message : String(error),
  };
}

/**
 * A button that asks first: a modal dialog (focus trapped by the browser, Escape cancels) with the
 * question, then runs `action`. Its outcome is the caller's to show.
 */
export function ConfirmButton(props: {
  label: string;
  question: ComponentChildren;
  confirmLabel: string;
  action: () => Promise<void>;
  danger?: boolean;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async (): Promise<void> => {
    dialog.current?.close();
    setBusy(true);
    try {
      await props.action();
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        class={props.danger ? 'danger' : undefined}
        disabled={props.disabled === true || busy}
        onClick={() => dialog.current?.showModal()}
      >
        {busy ? `${props.label}…` : props.label}
      </button>
      <dialog ref={dialog} aria-label={props.label}>
        <p>{props.question}</p>
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Keep it
          </button>
          <button type="button" class={props.danger ? 'danger' : 'primary'} onClick={() => void confirm()}>
            {props.confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** A table's header row: one `<th scope="col">` per column name. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A page's key facts as a description list (a grid of term over value, see `.facts` in style.css). */
export function Facts({ children }: { children: ComponentChildren }) {
  return <dl class="facts">{children}</dl>;
}

/** One fact of `Facts`: its term and value (`mono` for ids; `testId` names the value for the tests). */
export function Fact(props: {
  term: ComponentChildren;
  children: ComponentChildren;
  mono?: boolean;
  testId?: string;
}) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd class={props.mono ? 'mono' : undefined} data-testid={props.testId}>
        {props.children}
      </dd>
    </div>
  );
}

/** Live-state of a stream, for sighted users and screen readers alike. */
export function LiveIndicator({ state }: { state: string }) {
  return (
    <span class={`live live-${state}`} role="status" aria-live="polite">
      {state === 'live' ? '● live' : state}
    </span>
  );
}

/** Sets the document's title while mounted. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · event-jobs console`;
  }, [title]);
}
