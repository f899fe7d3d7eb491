export * from './types';
export * from './service';
export { buildPreview, approvalRequestText, CATEGORY_LABEL, type ContentPreview, type ChannelPreview } from './preview';
export { renderDecisionPage, renderResultPage, MESSAGES, type PageMessage, type DecisionPageInput } from './page';
export { approvalsOfContent } from './repository';
