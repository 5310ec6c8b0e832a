export { type GateStatus, gateStatus } from './gateStatus.ts';
