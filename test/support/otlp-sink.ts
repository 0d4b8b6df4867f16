import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

/** One export the sink received, its body decompressed (OTLP/HTTP protobuf: strings are raw UTF-8). */
export interface OtlpExport {
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

/**
 * A tiny OTLP/HTTP receiver for tests: point OTEL_EXPORTER_OTLP_ENDPOINT at `endpoint` and it keeps
 * every export's raw body, so a test can look at exactly what left the services (no Jaeger needed).
 * It answers 200 with an empty protobuf message (an ExportTraceServiceResponse without rejections).
 */
export class OtlpSink {
  readonly exports: OtlpExport[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const encoding = req.headers['content-encoding'];
      const body = encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw;
      this.exports.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  endpoint = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Every body received so far as one text (latin1: each byte one character, nothing dropped). */
  text(): string {
    return this.exports.map((received) => received.body.toString('latin1')).join('\n');
  }
}
