// multer ships no types; the one call a spec makes (what @nestjs/platform-express's FileInterceptor uses).
declare module 'multer' {
  import type { RequestHandler } from 'express';
  function multer(): { single(field: string): RequestHandler };
  export default multer;
}
