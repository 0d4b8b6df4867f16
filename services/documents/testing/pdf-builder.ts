/** Test helper: hand-assembles small, valid PDFs (Helvetica text, optional lines) with a correct xref. */
export interface TestPdfText {
  text: string;
  /** PDF user space: points, origin bottom-left. */
  x: number;
  y: number;
  size?: number;
  /** 3 = invisible text (OCR'd scans carry their text layer like this). */
  renderMode?: number;
}

export interface TestPdfPage {
  width?: number;
  height?: number;
  texts?: TestPdfText[];
  /** Rectangles drawn as strokes: [x, y, w, h]. */
  rects?: [number, number, number, number][];
}

export function buildTestPdf(pages: TestPdfPage[]): Buffer {
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  pages.forEach((page, i) => {
    const content = pageContent(page);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.width ?? 612} ${page.height ?? 792}] ` +
        `/Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
    );
    objects.push(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
  });
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function pageContent(page: TestPdfPage): string {
  const parts: string[] = [];
  for (const [x, y, w, h] of page.rects ?? []) parts.push(`2 w ${x} ${y} ${w} ${h} re S`);
  for (const t of page.texts ?? []) {
    parts.push(
      `BT ${t.renderMode ?? 0} Tr /F1 ${t.size ?? 12} Tf ${t.x} ${t.y} Td (${escapePdf(t.text)}) Tj ET`,
    );
  }
  return parts.join('\n');
}

function escapePdf(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}
