export { COMPLAINT_CATEGORIES, CATEGORY_INFO, isComplaintCategory, isSensitiveCategory, type ComplaintCategory } from './categories';
export { classify, detectLanguage, type Classification } from './classify';
export { detectMoneyLoss, findAmounts } from './money';
export { nextReference, formatReference, REFERENCE_RE } from './reference';
export { complaintReply, followUpReply, HELPLINE, PORTAL } from './reply';
export { COMPLAINT_STATUSES, canTransition, type ComplaintStatus } from './status';
export { canSee, canSeeSensitive, showPhone, SENSITIVE_CAPABILITY, type Role, type Viewer } from './visibility';
export { ComplaintService, citizenHash, DEFAULT_FOLLOW_UP_MINUTES, type IntakeInput, type IntakeResult, type Actor } from './service';
export type { Complaint } from './repository';
