export { eraseCitizen, eraseCitizenIn, type ErasureRequest, type ErasureReceipt } from './erase';
export { isSuppressed, liftSuppression, suppressedPhones, normaliseIds, type CitizenIds, type NewConsent } from './suppression';
export { vacuumAfterErasure, ERASURE_TABLES, type VacuumMode, type VacuumReport } from './vacuum';
export { suppressionKey } from './key';
