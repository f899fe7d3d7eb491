export * from './types';
export { createBroadcast, segmentKey, validateTemplates, validateSegment } from './create';
export {
	startBroadcast,
	resumeBroadcast,
	pauseBroadcast,
	cancelBroadcast,
	broadcastStatus,
	settleInDoubt,
	type ResumeOptions,
} from './control';
export { runSender, type SenderOptions, type SenderResult, type SenderOutcome, type SenderClient } from './sender';
export { recoverDeadWorkers } from './workers';
export { findBroadcast } from './repository';
export { bucketKeyFor } from './pacing';
