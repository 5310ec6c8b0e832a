export { type GateStatus, gateStatus } from './gateStatus.ts';
export { type MemberVerification, memberVerifications } from './memberVerifications.ts';
