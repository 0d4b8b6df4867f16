import type { ClassConstructor } from 'class-transformer';
import { PROJECTED_TOPICS, requestInputTopics, retryTopics, Topics } from '../topics';
import type { JobType } from './job-types';
import { ScrapeInputDto } from './scrape-input.dto';
import { ScrapeResultDto } from './scrape-result.dto';
import { RiskInputDto, RiskResultDto } from './risk';
import {
  DocumentInputDto,
  PageClassificationDto,
  PageOcrResultDto,
  PageScaleDto,
  SplitResultDto,
} from './document';

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
  document: {
    type: 'document',
    stage: 'split',
    eventsTopic: Topics.DocumentsEvents,
    inputDto: DocumentInputDto,
    resultDto: SplitResultDto,
  },
};

/** Every stage: which job type it serves, where its events go, how its results are validated. */
export interface StageDescriptor {
  stage: string;
  jobType: JobType;
  eventsTopic: string;
  resultDto: ClassConstructor<object>;
  /** True when the stage's StageCompleted finishes the job (false: the job continues in other stages). */
  final: boolean;
  /**
   * The events that start the stage's work: the job's request, or another stage's completions. A
   * re-run of the stage re-publishes these (so the stages that follow it run again too).
   */
  follows: { type: 'JobRequested' } | { type: 'StageCompleted'; stage: string };
  /** The stage's consumer group (the services' default; replays rewind it and its `.<tier>` groups). */
  groupId: string;
}

export const STAGE_CATALOG: Readonly<Record<string, StageDescriptor>> = {
  scrape: {
    stage: 'scrape',
    jobType: 'scrape',
    eventsTopic: Topics.ScrapeEvents,
    resultDto: ScrapeResultDto,
    final: true,
    follows: { type: 'JobRequested' },
    groupId: 'scraper',
  },
  risk: {
    stage: 'risk',
    jobType: 'risk',
    eventsTopic: Topics.RiskEvents,
    resultDto: RiskResultDto,
    final: true,
    follows: { type: 'JobRequested' },
    groupId: 'risk',
  },
  split: {
    stage: 'split',
    jobType: 'document',
    eventsTopic: Topics.DocumentsEvents,
    resultDto: SplitResultDto,
    final: false,
    follows: { type: 'JobRequested' },
    groupId: 'documents-split',
  },
  ocr: {
    stage: 'ocr',
    jobType: 'document',
    eventsTopic: Topics.DocumentsEvents,
    resultDto: PageOcrResultDto,
    final: false,
    follows: { type: 'StageCompleted', stage: 'split' },
    groupId: 'documents-ocr',
  },
  classify: {
    stage: 'classify',
    jobType: 'document',
    eventsTopic: Topics.DocumentsEvents,
    resultDto: PageClassificationDto,
    final: false,
    follows: { type: 'StageCompleted', stage: 'ocr' },
    groupId: 'documents-classify',
  },
  scale: {
    stage: 'scale',
    jobType: 'document',
    eventsTopic: Topics.DocumentsEvents,
    resultDto: PageScaleDto,
    final: false,
    follows: { type: 'StageCompleted', stage: 'ocr' },
    groupId: 'documents-scale',
  },
};

/** What starts a stage's work: its job type's requests (one topic set per priority), or events on topics. */
export type StageInputs = { requestsOf: JobType } | { topics: readonly string[] };

export function stageInputs(stage: StageDescriptor): StageInputs {
  return stage.follows.type === 'JobRequested'
    ? { requestsOf: stage.jobType }
    : { topics: [stage.eventsTopic] };
}

/** The topics whose events start a stage's work (request stages: its type's normal-priority requests). */
export function stageInputTopics(stage: StageDescriptor): string[] {
  const inputs = stageInputs(stage);
  return 'topics' in inputs ? [...inputs.topics] : requestInputTopics(inputs.requestsOf, 'normal');
}

export function describeStage(stage: string): StageDescriptor | undefined {
  return Object.prototype.hasOwnProperty.call(STAGE_CATALOG, stage) ? STAGE_CATALOG[stage] : undefined;
}

/** Every topic the platform needs for a retry budget of `maxAttempts` (created up front by `npm start`). */
export function allTopics(maxAttempts: number): string[] {
  return [
    ...PROJECTED_TOPICS,
    Topics.DeadLetter,
    ...Object.keys(STAGE_CATALOG).flatMap((stage) => retryTopics(stage, maxAttempts)),
  ];
}
