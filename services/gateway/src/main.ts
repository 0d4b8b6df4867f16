import './telemetry';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, NestPinoLogger, PlatformMetrics, runService } from '@app/platform';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import { auditTrail } from './auth/audit-trail';
import { authentication } from './auth/authentication.middleware';
import { TenantRateLimiter } from './auth/tenant-rate-limiter';
import { AllowedMethods } from './http/allowed-methods';
import { bodyParserErrorHandler, jsonBodyParser } from './http/body-parsing';
import { answerClientErrorsWithProblems, hostHeaderRequired } from './http/client-errors';
import { correlationIdMiddleware } from './http/correlation-id';
import { inputBoundsGuard } from './http/input-bounds-guard';
import { mediaTypeGuard } from './http/media-type-guard';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { requestLogging } from './http/request-logging';
import { storableTextGuard } from './http/storable-text';
import { setUpOpenApi } from './openapi/openapi-document';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

runService('gateway', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.logLevel);
  const metrics = new PlatformMetrics('gateway');
  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.register(config, logger, metrics),
    {
      bodyParser: false,
      logger: new NestPinoLogger(logger),
    },
  );
  app.disable('x-powered-by');
  const routes = new AllowedMethods(app.getHttpAdapter().getInstance());
  // A job's state changes under its poller: no client revalidates, so hashing every body for an ETag is waste.
  app.set('etag', false);
  app.use(
    correlationIdMiddleware,
    requestLogging(logger, metrics),
    hostHeaderRequired,
    // Who is calling before any body is read (401 here); the role is checked per route by ApiKeyGuard.
    authentication({
      authenticator: app.get(ApiKeyAuthenticator),
      rateLimiter: app.get(TenantRateLimiter),
      retryAfterSeconds: config.retryAfterSeconds,
      metricsKey: config.auth.metricsKey,
    }),
    auditTrail(logger),
    mediaTypeGuard(routes),
    jsonBodyParser(config.maxBodyBytes),
    bodyParserErrorHandler,
    // Bounds first: the storable-text walk and validation after it recurse.
    inputBoundsGuard(config.inputLimits),
    storableTextGuard,
  );
  app.useGlobalFilters(new ProblemDetailsFilter(logger, config.retryAfterSeconds, routes));
  app.enableShutdownHooks();

  setUpOpenApi(app);

  answerClientErrorsWithProblems(app.getHttpServer());
  await app.listen(config.port, config.host);
  logger.info({ url: `http://${config.host}:${config.port}` }, 'gateway listening');
});
