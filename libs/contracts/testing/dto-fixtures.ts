import 'reflect-metadata';
import type { ClassConstructor } from 'class-transformer';
import { EventEnvelopeDto } from '../src/events/envelope';
import { rerunEvent } from '../src/events/event-factory';
import { EVENT_DATA_SCHEMAS, type EventType } from '../src/events/job-events';
import {
  BlobRefDto,
  DocumentInputDto,
  OcrBlockDto,
  PageClassificationDto,
  PageOcrResultDto,
  PageScaleDto,
  ScaleFindingDto,
  SplitPageDto,
  SplitResultDto,
} from '../src/jobs/document';
import { RiskInputDto, RiskPositionDto, RiskPositionResultDto, RiskResultDto } from '../src/jobs/risk';
import { ScrapeInputDto } from '../src/jobs/scrape-input.dto';
import { ScrapeResultDto } from '../src/jobs/scrape-result.dto';
import { oneOfEachType, scrapeResult } from './event-fixtures';

/**
 * Valid values of every DTO class in the contracts (for tests that compare validators). Each builder
 * returns fresh plain objects.
 */
export interface DtoCorpus {
  dto: ClassConstructor<object>;
  valid: () => object[];
}

const SHA = 'a'.repeat(64);
const OTHER_SHA = '0123456789abcdef'.repeat(4);

function series(length: number, offset = 0): number[] {
  return Array.from({ length }, (_, t) => Math.round(Math.sin(t + offset) * 1e4) / 1e6);
}

export function riskInputs(): Record<string, unknown>[] {
  const base = {
    method: 'historical',
    confidence: 0.99,
    horizonDays: 10,
    positions: [
      { symbol: 'AAPL', quantity: 100, price: 190.5 },
      { symbol: 'MSFT', quantity: -20, price: 410 },
    ],
    returns: { AAPL: series(30), MSFT: series(30, 1) },
  };
  return [
    base,
    { ...base, method: 'parametric', horizonDays: 1 },
    { ...base, method: 'monte_carlo', simulations: 1000, seed: 0 },
    {
      ...base,
      method: 'monte_carlo',
      positions: [{ symbol: 'BRK.B', quantity: 0, price: 1 }],
      returns: { 'BRK.B': series(31) },
    },
  ];
}

export function riskResults(): Record<string, unknown>[] {
  const base = {
    method: 'historical',
    confidence: 0.99,
    horizonDays: 10,
    portfolioValue: 27250,
    var: 812.5,
    expectedShortfall: 1020.25,
    observations: 250,
    simulations: null,
    seed: null,
    positions: [
      { symbol: 'AAPL', exposure: 19050, weight: 0.7 },
      { symbol: 'MSFT', exposure: -8200, weight: null },
    ],
    durationMs: 3.5,
  };
  return [
    base,
    { ...base, method: 'monte_carlo', simulations: 100000, seed: 42, positions: [] },
    { ...base, pnlHistogram: { edges: [-3, -1, 1, 3], counts: [2, 240, 8] } },
    { ...base, method: 'parametric', pnlHistogram: null },
  ];
}

function splitPages(): Record<string, unknown>[] {
  return [
    { pageNo: 1, width: 1700, height: 2200, dpi: 200, image: SHA, textLayer: null },
    { pageNo: 2, width: 1700, height: 2200, dpi: 150.5, image: OTHER_SHA, textLayer: SHA },
  ];
}

function scaleFinding(): Record<string, unknown> {
  return { text: 'SCALE 1:100', ratio: 100, notToScale: false, bbox: [10, 20, 30, 40] };
}

function events(): Record<EventType, Record<string, unknown>> {
  return JSON.parse(JSON.stringify(oneOfEachType())) as Record<EventType, Record<string, unknown>>;
}

const eventData = (type: EventType) => (): object[] => {
  const all = events();
  const data = all[type].data as Record<string, unknown>;
  const variants: object[] = [data];
  if ('attempt' in data) variants.push({ ...data, page: 3, stage: 'ocr', stageVersion: 'documents@2' });
  if (type === 'JobRequested') variants.push({ ...data, idempotencyKey: 'key-1', priority: 'high' });
  return variants;
};

export const DTO_CORPORA: readonly DtoCorpus[] = [
  {
    dto: EventEnvelopeDto,
    valid: () => {
      const all = Object.values(events());
      return [...all, rerunEvent(all[0] as never, 2)];
    },
  },
  ...(Object.keys(EVENT_DATA_SCHEMAS) as EventType[]).map((type) => ({
    dto: EVENT_DATA_SCHEMAS[type],
    valid: eventData(type),
  })),
  {
    dto: ScrapeInputDto,
    valid: () => [{ url: 'https://example.com/page' }, { url: 'http://a.example:8080/p?q=1#f' }],
  },
  {
    dto: ScrapeResultDto,
    valid: () => [
      { ...scrapeResult() },
      { ...scrapeResult(), title: null, lang: null, h1: [], links: ['a', 'b', 'c'], bytes: 0, durationMs: 0 },
    ],
  },
  { dto: RiskInputDto, valid: riskInputs },
  { dto: RiskPositionDto, valid: () => [{ symbol: 'X', quantity: -1.5, price: 0.01 }] },
  { dto: RiskResultDto, valid: riskResults },
  {
    dto: RiskPositionResultDto,
    valid: () => [
      { symbol: 'X', exposure: 1, weight: null },
      { symbol: 'Y', exposure: -1, weight: 0.2 },
    ],
  },
  {
    dto: DocumentInputDto,
    valid: () => [{ blob: { key: SHA, size: 1024, mediaType: 'application/pdf', filename: 'plans.pdf' } }],
  },
  { dto: BlobRefDto, valid: () => [{ key: OTHER_SHA, size: 1, mediaType: 'image/png', filename: 'a' }] },
  {
    dto: SplitResultDto,
    valid: () => [
      { pageCount: 2, pages: splitPages() },
      { pageCount: 1, pages: [] },
    ],
  },
  { dto: SplitPageDto, valid: splitPages },
  {
    dto: PageOcrResultDto,
    valid: () => [
      {
        pageNo: 1,
        engine: 'tesseract',
        text: 'GROUND FLOOR',
        blocks: [{ text: 'GROUND', bbox: [1, 2, 3, 4], confidence: 0.93 }],
        image: SHA,
      },
      { pageNo: 4, engine: 'pdf-text', text: '', blocks: [], image: SHA },
    ],
  },
  { dto: OcrBlockDto, valid: () => [{ text: 'x', bbox: [], confidence: -1 }] },
  {
    dto: PageClassificationDto,
    valid: () => [
      { pageNo: 1, label: 'floor_plan', confidence: 0.8, method: 'text' },
      { pageNo: 2, label: 'other', confidence: 1, method: 'vision' },
    ],
  },
  {
    dto: PageScaleDto,
    valid: () => [
      { pageNo: 1, findings: [scaleFinding()], primary: scaleFinding() },
      { pageNo: 2, findings: [], primary: null },
      { pageNo: 3, findings: [{ text: 'NTS', ratio: null, notToScale: true, bbox: null }] },
    ],
  },
  { dto: ScaleFindingDto, valid: () => [scaleFinding()] },
];
