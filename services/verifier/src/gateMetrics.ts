import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('@chat-guard/verifier');

/** The member gate's numbers per guild, for Prometheus (the same counts are in the database). */
export const gateMetrics = {
  joined: meter.createCounter('chatguard_gate_joined_total', {
    description: 'Newcomers the verifier saw join',
  }),
  gated: meter.createCounter('chatguard_gate_gated_total', {
    description: 'Newcomers given the Unverified role',
  }),
  passed: meter.createCounter('chatguard_gate_passed_total', { description: 'Gated members who passed' }),
  failed: meter.createCounter('chatguard_gate_failed_total', {
    description: 'Gated members who failed (out of attempts, or flagged)',
  }),
  expired: meter.createCounter('chatguard_gate_expired_total', {
    description: 'Gated members who did not pass in time',
  }),
  timeToPass: meter.createHistogram('chatguard_gate_time_to_pass_seconds', {
    description: 'From being gated to passing',
    unit: 's',
    advice: { explicitBucketBoundaries: [10, 30, 60, 120, 300, 600, 1800, 3600, 86_400] },
  }),
  refused: meter.createCounter('chatguard_gate_refused_total', {
    description: 'Verify page requests refused, by reason (forged, expired, replayed, rate-limited…)',
  }),
};
