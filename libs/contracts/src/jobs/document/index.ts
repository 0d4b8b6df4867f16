export * from './media-type';
export * from './document-input.dto';
export * from './document-results.dto';
export * from './sheet-labels';
