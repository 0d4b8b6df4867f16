import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { KafkaRuntime } from '@app/platform';

interface Readiness {
  status: 'ok' | 'unavailable';
  checks: { kafka: 'up' | 'down'; postgres: 'up' | 'down' };
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(KafkaRuntime) private readonly kafka: KafkaRuntime,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: '200 only when Kafka and PostgreSQL answer' })
  @ApiOkResponse({ description: 'Ready' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    const [kafka, postgres] = await Promise.all([this.kafka.ready(2000), this.postgresAnswers(2000)]);
    const ok = kafka && postgres;
    res.status(ok ? 200 : 503);
    if (!ok) res.setHeader('Retry-After', '5');
    return {
      status: ok ? 'ok' : 'unavailable',
      checks: { kafka: kafka ? 'up' : 'down', postgres: postgres ? 'up' : 'down' },
    };
  }

  private async postgresAnswers(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.dataSource.query('SELECT 1').then(() => true), timeout]).catch(
        () => false,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
