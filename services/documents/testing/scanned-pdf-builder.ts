import type { DocumentSplitter } from '../src/core/split/document-splitter';
import { buildTestPdf, type TestPdfPage } from './pdf-builder';

/** Test and benchmark helper: PDFs whose pages are only images, like a scanned drawing set. */
export interface ImagePdfPage {
  /** 8-bit grayscale or RGB, non-interlaced PNG. */
  png: Buffer;
  /** Page size in points (the image fills the page). */
  widthPt: number;
  heightPt: number;
}

interface PngRaster {
  width: number;
  height: number;
  colors: 1 | 3;
  /** The concatenated IDAT data: a zlib stream of PNG-filtered rows, which PDF reads as predictor 15. */
  zlib: Buffer;
}

function readPng(png: Buffer): PngRaster {
  let offset = 8;
  let header: { width: number; height: number; colors: 1 | 3 } | undefined;
  const idat: Buffer[] = [];
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      const [bitDepth, colorType, , , interlace] = data.subarray(8, 13);
      if (bitDepth !== 8 || (colorType !== 0 && colorType !== 2) || interlace !== 0) {
        throw new Error(
          `unsupported PNG (bit depth ${bitDepth}, color type ${colorType}, interlace ${interlace})`,
        );
      }
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), colors: colorType === 0 ? 1 : 3 };
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  if (!header || idat.length === 0) throw new Error('not a PNG with image data');
  return { ...header, zlib: Buffer.concat(idat) };
}

/** Assembles a PDF with one full-page image per page and no text at all. */
export function buildImagePdf(pages: ImagePdfPage[]): Buffer {
  const objects: Buffer[] = [];
  const text = (value: string): Buffer => Buffer.from(value, 'latin1');
  const kids = pages.map((_, i) => `${3 + i * 3} 0 R`).join(' ');
  objects.push(text('<< /Type /Catalog /Pages 2 0 R >>'));
  objects.push(text(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`));
  pages.forEach((page, i) => {
    const raster = readPng(page.png);
    const pageObject = 3 + i * 3;
    objects.push(
      text(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.widthPt} ${page.heightPt}] ` +
          `/Resources << /XObject << /Im1 ${pageObject + 2} 0 R >> >> /Contents ${pageObject + 1} 0 R >>`,
      ),
    );
    const content = `q ${page.widthPt} 0 0 ${page.heightPt} 0 0 cm /Im1 Do Q`;
    objects.push(text(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`));
    objects.push(
      Buffer.concat([
        text(
          `<< /Type /XObject /Subtype /Image /Width ${raster.width} /Height ${raster.height} ` +
            `/ColorSpace /${raster.colors === 1 ? 'DeviceGray' : 'DeviceRGB'} /BitsPerComponent 8 ` +
            `/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors ${raster.colors} ` +
            `/BitsPerComponent 8 /Columns ${raster.width} >> /Length ${raster.zlib.length} >>\nstream\n`,
        ),
        raster.zlib,
        text('\nendstream'),
      ]),
    );
  });
  const chunks: Buffer[] = [text('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')];
  let size = chunks[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(size);
    const object = Buffer.concat([text(`${i + 1} 0 obj\n`), body, text('\nendobj\n')]);
    chunks.push(object);
    size += object.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${size}\n%%EOF\n`;
  chunks.push(text(xref));
  return Buffer.concat(chunks);
}

/**
 * A "scanned" version of text pages: each page is drawn as a text PDF, rendered to a grayscale PNG
 * at `dpi` by the splitter (mupdf), and put back as a full-page image, so the PDF has no text layer.
 */
export async function buildScannedPdf(
  splitter: DocumentSplitter,
  pages: TestPdfPage[],
  dpi: number,
): Promise<Buffer> {
  const rendered = await splitter.split(buildTestPdf(pages), 'application/pdf', { dpi, grayscale: true });
  return buildImagePdf(
    rendered.pages.map((page, i) => ({
      png: page.image,
      widthPt: pages[i].width ?? 612,
      heightPt: pages[i].height ?? 792,
    })),
  );
}
