import { useEffect, useState } from 'preact/hooks';

/** The console routes inside the page (`#/jobs/<id>`), so the gateway serves one index.html. */
export type Route =
  | { page: 'jobs' }
  | { page: 'job'; id: string }
  | { page: 'operations' }
  | { page: 'documents' }
  | { page: 'document'; id: string }
  | { page: 'not-found'; hash: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/jobs';
  const job = /^\/jobs\/([^/?#]+)$/.exec(path);
  if (job) return { page: 'job', id: decodeURIComponent(job[1]) };
  if (path === '/jobs' || path === '/') return { page: 'jobs' };
  if (path === '/operations') return { page: 'operations' };
  if (path === '/documents') return { page: 'documents' };
  const document = /^\/documents\/([^/?#]+)$/.exec(path);
  if (document) return { page: 'document', id: decodeURIComponent(document[1]) };
  return { page: 'not-found', hash };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const jobHref = (id: string): string => `#/jobs/${encodeURIComponent(id)}`;

export const documentHref = (id: string): string => `#/documents/${encodeURIComponent(id)}`;
