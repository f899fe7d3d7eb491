export * from '../publisher';
export { FacebookPublisher, FACEBOOK_POST_METRICS } from './facebook';
export { InstagramPublisher, INSTAGRAM_MEDIA_METRICS, INSTAGRAM_IMAGE_RULES, type InstagramOptions } from './instagram';
export { XPublisher, X_MAX_WEIGHTED_LENGTH, classifyX, type XCredentials } from './x';
export { classifyGraph, type MetaCredentials } from './graph';
export { createPublisher, registeredChannels, isSocialChannel, type SocialCredentials, type PublisherOptions } from './registry';
