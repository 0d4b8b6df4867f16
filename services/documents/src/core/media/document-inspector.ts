import type { MupdfPool } from '../mupdf/mupdf-pool';
import { DocumentError } from './document-error';
import { findImageStructureProblem } from './image-structure';
import { detectMediaType, type MediaType } from './media-type';

export interface InspectedDocument {
  mediaType: MediaType;
  pageCount: number;
}

/**
 * Upload-time validation: rejects what can be detected without rendering (empty, unknown type, corrupt
 * container, unparseable or password-protected PDF) with a `DocumentError` carrying a stable code.
 */
export class DocumentInspector {
  constructor(private readonly mupdf: MupdfPool) {}

  async inspect(bytes: Buffer, signal?: AbortSignal): Promise<InspectedDocument> {
    if (bytes.length === 0) throw new DocumentError('EMPTY_FILE', 'file is empty');
    const mediaType = detectMediaType(bytes);
    if (!mediaType) {
      throw new DocumentError('UNSUPPORTED_MEDIA_TYPE', 'not a PDF, PNG, JPEG or TIFF file (by content)');
    }
    const problem = findImageStructureProblem(bytes, mediaType);
    if (problem) throw new DocumentError('CORRUPT_DOCUMENT', problem);
    const result = await this.mupdf.inspect({ bytes, mediaType, decodeImages: true }, signal);
    if (!result.ok) throw new DocumentError(result.code, result.message);
    return { mediaType, pageCount: result.pageCount };
  }
}
