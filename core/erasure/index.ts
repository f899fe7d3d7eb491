export { eraseCitizen, eraseCitizenIn, type ErasureRequest, type ErasureReceipt, type ErasureOptions } from './erase';
export { eraseN8nExecutions, type N8nApiSettings, type N8nExecutionsReport } from './n8n-executions';
export { isSuppressed, liftSuppression, suppressedPhones, normaliseIds, type CitizenIds, type NewConsent } from './suppression';
export { vacuumAfterErasure, ERASURE_TABLES, type VacuumMode, type VacuumReport } from './vacuum';
export { suppressionKey } from './key';
