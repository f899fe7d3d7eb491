export * from './users';
export * from './sessions';
export * from './passwords';
export * from './throttle';
export * from './service';
export * from './totp';
export * from './second-factor';
