export { refreshRollups, refreshDays, type RefreshOptions, type RefreshResult, type KindResult } from './refresh';
export { ROLLUP_KINDS, type RollupKind, type DayKey } from './scope';
export { INDIA_RATES_INR, type PriceCategory } from './pricing';
export { buildReport, type ReportPeriod, type Report, type ReportItem } from './report';
