// The guild's own traffic: newcomers, long-standing members leaving, and chat.
import { oldCreated } from './accounts.ts';
import { chatter, memberInvite, newcomer, organicUser, permCode } from './newcomer.ts';
import { DAY, MIN, SEC, sampleTimes } from './rng.ts';
import type { World } from './world.ts';

/** Organic joins (a member's invite brings 1–3 friends), leaves of old members and their chat, over the trace. */
export function organic(w: World): void {
  const { r, g } = w;
  const eGroup = 1 + g.memberShare * 0.67;
  const groups = sampleTimes(r, (t) => w.baseRate(t) / eGroup, w.t0 + 1, w.t1, MIN);
  for (const t of groups) {
    const k = r.wpick(g.inviteMix);
    if (k === 'member') {
      const inv = memberInvite(w, t);
      let size = 1 + r.geom(0.6);
      if (inv.maxUses) size = Math.min(size, inv.maxUses);
      let tj = t;
      for (let j = 0; j < size; j++) {
        if (j) tj += r.logu(20 * SEC, 30 * MIN);
        if (inv.maxAge && tj >= inv.created + inv.maxAge * 1000) break;
        newcomer(w, organicUser(w, tj), tj, inv.code);
      }
    } else {
      const u = organicUser(w, t);
      newcomer(w, u, t, k === 'vanity' ? 'vanity' : k === 'perm' ? permCode(w) : null);
    }
  }
  // members who joined long ago and leave now
  for (const t of sampleTimes(r, (t) => w.baseRate(t) * g.exitRatio, w.t0 + 1, w.t1, MIN)) {
    const c = oldCreated(r, t - r.logu(7, 1500) * DAY, false);
    w.emit(t, 'member.left', { userId: w.ids.snow(c) });
  }
  // chatter of existing members
  const chatRate = (t: number) => (g.msgsPerDay / 86400) * w.cyc(t);
  for (const t of sampleTimes(r, chatRate, w.t0 + 1, w.t1, MIN)) chatter(w, t);
}
