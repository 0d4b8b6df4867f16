import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { query, roleAllows, type Api, type Caller, type Problem } from '../api';
import {
  Fact,
  Facts,
  LiveIndicator,
  ProblemView,
  StatusBadge,
  Time,
  toProblem,
  useTitle,
} from '../components';
import { documentHref, jobHref } from '../router';
import { follow, type StreamState } from '../sse';
import { UUID, type JobPage } from '../types';

interface ScaleFinding {
  text: string;
  ratio: number | null;
  notToScale: boolean;
  bbox: number[] | null;
}

interface DocumentPage {
  pageNo: number;
  status: string;
  engine: string | null;
  text: string | null;
  classification: { label: string; confidence: number; method: string } | null;
  scale: { findings: ScaleFinding[]; primary: ScaleFinding | null } | null;
  error: { code: string; message: string } | null;
}

interface DocumentView {
  id: string;
  status: string;
  filename: string | null;
  mediaType: string | null;
  size: number | null;
  pageCount: number | null;
  progress: { pagesDone: number; pagesTotal: number | null };
  error: { page: number | null; code: string; message: string } | null;
  pages: DocumentPage[];
}

/** Upload (members) and the latest documents of the key's tenant (`GET /jobs?type=document`). */
export function DocumentsPage({ api, caller }: { api: Api; caller: Caller }) {
  useTitle('Documents');
  const [page, setPage] = useState<JobPage | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    api
      .get<JobPage>(`/jobs${query({ type: 'document', limit: 20 })}`)
      .then(setPage, (error: unknown) => setProblem(toProblem(error)));
  }, [api]);
  return (
    <section aria-labelledby="documents-heading">
      <h1 id="documents-heading">Documents</h1>
      {roleAllows(caller.role, 'member') && <UploadForm api={api} />}
      <h2>Latest documents</h2>
      {problem && <ProblemView problem={problem} />}
      {page && page.items.length === 0 && <p class="muted">No documents yet.</p>}
      {page && page.items.length > 0 && (
        <ul class="plain">
          {page.items.map((job) => (
            <li key={job.id}>
              <a href={documentHref(job.id)} class="mono">
                {job.id.slice(0, 8)}
              </a>{' '}
              <StatusBadge status={job.status} /> <Time iso={job.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Bytes of the request body sent so far, and of all of it (null: unknown). */
interface UploadBytes {
  name: string;
  sent: number;
  total: number | null;
}

/** The last upload's bytes, by the document it created: its page shows them next to its pages' progress. */
const uploadedBytes = new Map<string, UploadBytes>();

function UploadProgress({ upload }: { upload: UploadBytes }) {
  const of = upload.total === null ? '' : ` of ${upload.total.toLocaleString()}`;
  const done = upload.total !== null && upload.sent >= upload.total;
  return (
    <div class="progress" data-testid="upload-progress">
      <label>
        {done ? 'Uploaded' : 'Uploading'} {upload.name}: {upload.sent.toLocaleString()}
        {of} bytes
        <progress value={upload.sent} max={upload.total ?? undefined} />
      </label>
    </div>
  );
}

/** A file by drag and drop onto the zone, or chosen with the (keyboard-usable) file input. */
function UploadForm({ api }: { api: Api }) {
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [bytes, setBytes] = useState<UploadBytes | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const send = async (chosen: File): Promise<void> => {
    setBusy(true);
    setProblem(null);
    const form = new FormData();
    form.append('file', chosen, chosen.name);
    let last: UploadBytes = { name: chosen.name, sent: 0, total: null };
    setBytes(last);
    try {
      const accepted = await api.upload<{ id: string }>('/documents', form, (sent, total) => {
        last = { name: chosen.name, sent, total };
        setBytes(last);
      });
      uploadedBytes.set(accepted.id, last);
      location.hash = documentHref(accepted.id);
    } catch (error: unknown) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      class={`dropzone${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        const dropped = event.dataTransfer?.files[0];
        if (dropped) {
          setFile(dropped);
          void send(dropped);
        }
      }}
    >
      <form
        aria-label="Upload a document"
        onSubmit={(event) => {
          event.preventDefault();
          if (file) void send(file);
        }}
      >
        <label class="grow">
          Document file (PDF, PNG, JPEG or TIFF): drop it here or choose it
          <input
            ref={input}
            type="file"
            accept="application/pdf,image/png,image/jpeg,image/tiff"
            onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
          />
        </label>
        <button type="submit" class="primary" disabled={file === null || busy}>
          {busy ? 'Uploading…' : 'Upload'}
        </button>
      </form>
      {busy && bytes && <UploadProgress upload={bytes} />}
      {problem && <ProblemView problem={problem} heading="Not uploaded" />}
    </div>
  );
}

/**
 * A document, live: read again on each event of its job's stream (pages are split, read, classified,
 * scaled), each page as its image with its label and the scale notations' boxes drawn over it.
 */
export function DocumentPage({ api, id }: { api: Api; id: string }) {
  useTitle(`Document ${id.slice(0, 8)}`);
  const [document, setDocument] = useState<DocumentView | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [streamState, setStreamState] = useState<StreamState>('connecting');
  const timer = useRef<number | undefined>(undefined);

  const load = useCallback(() => {
    api.get<DocumentView>(`/documents/${id}`).then(
      (next) => {
        setDocument(next);
        setProblem(null);
      },
      (error: unknown) => setProblem(toProblem(error)),
    );
  }, [api, id]);

  useEffect(() => {
    if (!UUID.test(id)) {
      setProblem({ status: 404, title: 'Not Found', detail: `${id} is not a document id` });
      return undefined;
    }
    load();
    const stop = follow(api, `/jobs/${id}/stream`, {
      resume: true,
      endEvent: 'end',
      onState: (state, error) => {
        setStreamState(state);
        if (error) setProblem(error.problem);
      },
      onEvent: (event) => {
        if (event.event === 'job') return;
        // A burst of page events: read the document once after it.
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(load, event.event === 'end' ? 0 : 250);
      },
    });
    return () => {
      stop();
      window.clearTimeout(timer.current);
    };
  }, [api, id, load]);

  if (!document) {
    return problem ? (
      <ProblemView problem={problem} heading="Could not open the document" />
    ) : (
      <p>Loading…</p>
    );
  }
  const { pagesDone, pagesTotal } = document.progress;
  const upload = uploadedBytes.get(document.id);
  return (
    <section aria-labelledby="document-heading">
      <p>
        <a href="#/documents">← Documents</a>
      </p>
      <div class="heading-row">
        <h1 id="document-heading">{document.filename ?? 'Document'}</h1>
        <LiveIndicator state={streamState} />
      </div>
      <Facts>
        <Fact term="Status" testId="document-status">
          <StatusBadge status={document.status} />
        </Fact>
        <Fact term="Pages">{document.pageCount ?? '–'}</Fact>
        <Fact term="Type">{document.mediaType}</Fact>
        <Fact term="Size">{document.size === null ? '–' : `${document.size.toLocaleString()} bytes`}</Fact>
        <Fact term="Job">
          <a class="mono" href={jobHref(document.id)}>
            {document.id}
          </a>
        </Fact>
      </Facts>
      {upload && <UploadProgress upload={upload} />}
      <div class="progress">
        <label>
          Pages done: {pagesDone} of {pagesTotal ?? '?'}
          <progress value={pagesDone} max={pagesTotal ?? undefined} />
        </label>
      </div>
      {document.error && (
        <div class="problem" role="note">
          <strong>{document.error.code}</strong>
          {document.error.page === null ? '' : ` (page ${document.error.page})`}: {document.error.message}
        </div>
      )}
      <ol class="pages" aria-label="Pages">
        {document.pages.map((page) => (
          <PageCard key={page.pageNo} api={api} documentId={document.id} page={page} />
        ))}
      </ol>
    </section>
  );
}

function PageCard({ api, documentId, page }: { api: Api; documentId: string; page: DocumentPage }) {
  const [image, setImage] = useState<{ url: string; width: number; height: number } | null>(null);
  const [imageProblem, setImageProblem] = useState<Problem | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let url: string | null = null;
    api.blob(`/documents/${documentId}/pages/${page.pageNo}/image`, controller.signal).then(
      async (blob) => {
        url = URL.createObjectURL(blob);
        const bitmap = await createImageBitmap(blob);
        setImage({ url, width: bitmap.width, height: bitmap.height });
        bitmap.close();
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setImageProblem(toProblem(error));
      },
    );
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, documentId, page.pageNo]);

  const label = page.classification;
  const findings = page.scale?.findings ?? [];
  const primary = page.scale?.primary ?? null;
  return (
    <li class="page" data-page-no={page.pageNo}>
      <figure>
        <div class="page-image">
          {image ? (
            <>
              <img src={image.url} alt={`Page ${page.pageNo}`} width={image.width} height={image.height} />
              <svg
                viewBox={`0 0 ${image.width} ${image.height}`}
                preserveAspectRatio="none"
                aria-hidden="true"
                class="scale-boxes"
              >
                {findings
                  .filter((finding) => finding.bbox !== null && finding.bbox.length === 4)
                  .map((finding, index) => {
                    const [x0, y0, x1, y1] = finding.bbox as number[];
                    return (
                      <rect
                        key={index}
                        data-scale-box={finding.text}
                        class={finding === primary || finding.text === primary?.text ? 'primary' : undefined}
                        x={x0}
                        y={y0}
                        width={x1 - x0}
                        height={y1 - y0}
                      />
                    );
                  })}
              </svg>
            </>
          ) : imageProblem ? (
            <p class="muted">No image ({imageProblem.status})</p>
          ) : (
            <p class="muted">Loading image…</p>
          )}
        </div>
        <figcaption>
          <strong>Page {page.pageNo}</strong> <StatusBadge status={page.status} />
          <br />
          <span data-testid="page-label">
            {label
              ? `${label.label} (${Math.round(label.confidence * 100)} %, ${label.method})`
              : 'not classified yet'}
          </span>
          <br />
          <span data-testid="page-scale">
            {primary
              ? primary.notToScale || primary.ratio === null
                ? `not to scale (“${primary.text}”)`
                : `scale 1:${primary.ratio} (“${primary.text}”)`
              : findings.some((finding) => finding.notToScale)
                ? 'not to scale'
                : page.scale
                  ? 'no scale'
                  : 'scale not read yet'}
          </span>
          {page.error && (
            <>
              <br />
              <span class="field-error">
                {page.error.code}: {page.error.message}
              </span>
            </>
          )}
        </figcaption>
      </figure>
    </li>
  );
}
