import * as fs from 'node:fs';
import * as path from 'node:path';
import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicRoute } from '@app/platform';

/** Where `npm run build` writes the console's bundle: dist/console, beside dist/services. */
export const CONSOLE_DIR = Symbol('CONSOLE_DIR');

/** dist/console seen from dist/services/gateway/src/console (this file, compiled). */
export const DEFAULT_CONSOLE_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'console');

/** A file of the bundle: one flat folder, no dot files, no path separators. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/**
 * Only what the page itself ships: every script, style and image comes from the gateway, and the API
 * is called on the same origin (`connect-src 'self'`).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The web console (docs/console.md): static files, served without an API key (the page asks for one
 * and sends it on its own API calls) and left out of the OpenAPI document. `/console` and `/console/`
 * answer index.html; the console routes inside the page (`#/jobs/<id>`), so no other path needs it.
 */
@PublicRoute()
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(@Inject(CONSOLE_DIR) private readonly dir: string) {}

  @Get()
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (!ASSET_NAME.test(file)) throw new NotFoundException(`No console file ${file}`);
    this.send(res, file);
  }

  private send(res: Response, file: string): void {
    const full = path.join(this.dir, file);
    if (!fs.existsSync(full)) {
      throw new NotFoundException(
        file === 'index.html' ? 'The console is not built: run `npm run build`' : `No console file ${file}`,
      );
    }
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // Names are not content-hashed: revalidate every time (Last-Modified makes that a 304).
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file, { root: this.dir, dotfiles: 'deny', etag: false });
  }
}
