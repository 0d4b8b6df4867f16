import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

interface ComposeService {
  container_name?: string;
  ports?: unknown[];
  environment?: Record<string, unknown>;
  deploy?: { replicas?: number };
}

/** docker is not available here: at least keep the compose file valid and its workers scalable. */
describe('docker-compose.yml', () => {
  const file = path.join(__dirname, '..', '..', '..', 'docker-compose.yml');
  const compose = parse(fs.readFileSync(file, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };

  it.each(['scraper', 'risk', 'documents', 'documents-ocr', 'projector'])(
    '%s can run as several containers (no fixed name, no host port)',
    (name) => {
      const service = compose.services[name];
      expect(service).toBeDefined();
      expect(service.container_name).toBeUndefined();
      expect(service.ports).toBeUndefined();
      expect(service.environment?.KAFKA_BROKERS).toBe('kafka:9092');
    },
  );

  it('runs OCR-only replicas only when scaled up', () => {
    expect(compose.services['documents-ocr'].environment?.DOCUMENTS_STAGES).toBe('ocr');
    expect(compose.services['documents-ocr'].deploy?.replicas).toBe(0);
  });

  it('gives the gateway the admin key from the environment, and refuses to start without one', () => {
    expect(compose.services.gateway.environment?.EVENT_JOBS_ADMIN_KEY).toMatch(
      /^\$\{EVENT_JOBS_ADMIN_KEY:\?/,
    );
  });

  it('publishes the gateway on one host port', () => {
    expect(compose.services.gateway.ports).toEqual(['127.0.0.1:3000:3000']);
  });
});
