export { refreshRollups, refreshDays, type RefreshOptions, type RefreshResult, type KindResult } from './refresh';
export { ROLLUP_KINDS, type RollupKind, type DayKey } from './scope';
export { PRICE_CATEGORIES, type PriceCategory } from './pricing';
export { buildReport, type ReportPeriod, type Report, type ReportItem } from './report';
export { startRefresher, type Refresher, type RefresherOptions } from './refresher';
export { listRates, addRate, type Rate } from './rate-card';
