export * from './users';
export * from './sessions';
export * from './passwords';
export * from './attempts';
export * from './service';
