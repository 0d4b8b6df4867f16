import type { ClassConstructor } from 'class-transformer';
import { Topics } from '../topics';
import type { JobType } from './job-types';
import { ScrapeInputDto } from './scrape-input.dto';
import { ScrapeResultDto } from './scrape-result.dto';
import { RiskInputDto, RiskResultDto } from './risk';

/** What the platform knows about each job type: how its input and result are validated, where it runs. */
export interface JobTypeDescriptor {
  type: JobType;
  /** Stage (consumer group name prefix and retry-topic prefix) that executes the job. */
  stage: string;
  /** Topic the stage writes its lifecycle events to. */
  eventsTopic: string;
  inputDto: ClassConstructor<object>;
  resultDto: ClassConstructor<object>;
}

export const JOB_CATALOG: Readonly<Record<JobType, JobTypeDescriptor>> = {
  scrape: {
    type: 'scrape',
    stage: 'scrape',
    eventsTopic: Topics.ScrapeEvents,
    inputDto: ScrapeInputDto,
    resultDto: ScrapeResultDto,
  },
  risk: {
    type: 'risk',
    stage: 'risk',
    eventsTopic: Topics.RiskEvents,
    inputDto: RiskInputDto,
    resultDto: RiskResultDto,
  },
};

export function describeStage(stage: string): JobTypeDescriptor | undefined {
  return Object.values(JOB_CATALOG).find((descriptor) => descriptor.stage === stage);
}
