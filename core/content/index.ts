export * from './types';
export { contentHash, canonicalJson, shortHash } from './hash';
export { validateDraft, type Problem } from './validate';
export { nextState, canTransition, allowedFrom, type ContentEvent } from './state';
export { ContentService, assertPublishable } from './service';
