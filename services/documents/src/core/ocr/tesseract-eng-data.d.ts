/** `@tesseract.js-data/eng` ships no types; its index.js exports where the gzipped model lives. */
declare module '@tesseract.js-data/eng' {
  const data: { code: string; gzip: boolean; langPath: string };
  export = data;
}
