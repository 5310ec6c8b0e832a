/** Redis keys shared between services: one place, so writer and readers agree. */
export const redisKeys = {
  /** Hash of a guild's live invites, code → JSON snapshot; kept by the invite-tracker. */
  invites: (guildId: string) => `chatguard:invites:${guildId}`,
  /** A guild's vanity code (absent: none); kept by the invite-tracker. */
  vanity: (guildId: string) => `chatguard:vanity:${guildId}`,
  /** Sorted set of an author's recent messages for the spam guard; kept by the content-filter. */
  spamWindow: (guildId: string, userId: string) => `chatguard:spam:${guildId}:${userId}`,
  /** Invites deleted since the last fetch, as last known: code → JSON snapshot. */
  vanishedInvites: (guildId: string) => `chatguard:invites:vanished:${guildId}`,
  /** Invite uses no join has claimed yet (JSON). */
  unclaimedUses: (guildId: string) => `chatguard:attribution:unclaimed:${guildId}`,
  /** When the invite snapshot was last rebuilt from scratch (ms). */
  snapshotRebuiltAt: (guildId: string) => `chatguard:attribution:rebuilt:${guildId}`,
  /** Attributions made, `<userId>:<joinedAt>` → JSON, so a redelivery republishes the same one. */
  attributions: (guildId: string) => `chatguard:attribution:joins:${guildId}`,
  /** The lock replicas take turns on while attributing a guild's joins. */
  attributionLock: (guildId: string) => `chatguard:attribution:lock:${guildId}`,
  /** The detector's lockdown state of a guild (JSON); the enforcer ends it on a false alarm. */
  lockdownState: (guildId: string) => `chatguard:lockdown:${guildId}`,
  /** A lockdown request the detector claimed but has not yet seen published (JSON). */
  lockdownPending: (guildId: string) => `chatguard:lockdown:pending:${guildId}`,
  /** The detector's gate (the gentle step) of a guild (JSON); ended by the detector or an admin. */
  gateState: (guildId: string) => `chatguard:gate:${guildId}`,
  /** The lease of the anomaly-detector replica that decides this tick. */
  detectorLeader: () => 'chatguard:anomaly:leader',
} as const;
