export * from './types';
export { RosterService, type Actor } from './service';
export { importRoster, DEFAULT_MAX_IMPORT_BYTES, type ImportOptions, type ImportResult } from './import';
export { exportSegmentCsv } from './export';
export { csvCell } from '../csv';
