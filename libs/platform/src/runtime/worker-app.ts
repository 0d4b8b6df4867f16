import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpsHttpConfig } from '../config/common-config';
import { NestPinoLogger, type Logger } from '../logging/logger';

/**
 * Starts a worker service (a stage, the projector) as a Nest HTTP app that serves only its
 * operations endpoints; its real work runs in providers started on bootstrap.
 */
export async function startWorkerApp(
  module: DynamicModule,
  ops: OpsHttpConfig,
  logger: Logger,
): Promise<void> {
  const app = await NestFactory.create(module, { logger: new NestPinoLogger(logger), bodyParser: false });
  app.enableShutdownHooks();
  await app.listen(ops.port, ops.host);
  const server = app.getHttpServer() as Server;
  const address = server.address() as AddressInfo | null;
  logger.info({ opsUrl: `http://${ops.host}:${address?.port ?? ops.port}` }, 'running');
}
