export * from './types';
export { contentHash, canonicalJson, shortHash } from './hash';
export { validateDraft, type Problem } from './validate';
export { nextState, canTransition, allowedFrom, type ContentEvent } from './state';
export { ContentService, assertPublishable } from './service';
export { Authoring, localise, type FieldProblem, type DraftCheck } from './authoring';
export { editorPreview, type ChannelPostPreview } from './editor-preview';
export { contentCalendar, CALENDAR_DAYS, type CalendarDay, type CalendarEntry, type CalendarTemplate } from './calendar';
