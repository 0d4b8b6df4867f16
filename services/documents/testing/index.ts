/*
 * Test inputs of the documents service (`@app/documents/testing`): for specs, e2e tests and the
 * documents benchmark only, never compiled by the production build (tsconfig.build.json).
 */

// PDFs and images assembled in TypeScript
export { buildTestPdf, type TestPdfPage, type TestPdfText } from './pdf-builder';
export { buildImagePdf, buildScannedPdf, type ImagePdfPage } from './scanned-pdf-builder';
export { encodeGrayPng, encodeGrayTiff, solidGray, type GrayImage } from './raster-builder';

// Inputs mupdf produced once (tools/documents-corpus)
export { ENCRYPTED_PDF, TINY_JPEG } from './binary-fixtures';

// Drawing sheets of each class, with their expected labels and scales
export { DRAWING_SHEETS, drawingSheet, drawingSheetPage, type DrawingSheet } from './drawing-sheets';
