import { CODE_LENGTH } from './challengeCode.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Chat Guard</title>
<link rel="stylesheet" href="/verify/assets/style.css">
</head>
<body>
<main id="main">
${body}
</main>
</body>
</html>`;
}

export interface ChallengeView {
  readonly token: string;
  readonly guildName: string;
  /** The ALTCHA challenge (JSON) the page's script solves. */
  readonly powChallenge: string;
  readonly attemptsLeft: number;
  /** Why the last answer was refused, if it was. */
  readonly error: string | null;
}

/** The check: the proof of work running in the background, the picture or its audio alternative. */
export function challengePage(view: ChallengeView): string {
  const base = `/verify/${encodeURIComponent(view.token)}`;
  const error = view.error
    ? `<div class="error" role="alert" id="error" tabindex="-1"><p><strong>Error:</strong> ${escapeHtml(view.error)}</p></div>`
    : '';
  return layout(
    `Verify for ${view.guildName}`,
    `<h1>Verify that you are a person</h1>
<p>To take part in <strong>${escapeHtml(view.guildName)}</strong>, type the ${CODE_LENGTH} digits shown in the
picture below. If you cannot see the picture, play the audio: it says the same digits as groups of
beeps (three beeps, a pause, then one beep means "31").</p>
${error}
<form method="post" action="${base}" id="verify-form" novalidate>
  <input type="hidden" name="altcha" id="altcha" value="">
  <p id="pow-status" role="status" aria-live="polite" data-challenge="${escapeHtml(view.powChallenge)}">
    Your browser is doing a short private check (nothing leaves this page but the result).
  </p>
  <figure>
    <img src="${base}/image.png" width="220" height="80"
      alt="A distorted picture of ${CODE_LENGTH} digits. The audio below gives the same digits.">
    <figcaption>The picture: ${CODE_LENGTH} digits, each from 1 to 6.</figcaption>
  </figure>
  <p><audio controls preload="none" src="${base}/audio.wav" aria-describedby="audio-help"></audio></p>
  <p id="audio-help">Audio alternative: count the beeps in each group; each group is one digit.
    <a href="${base}/audio.wav" download="chat-guard-check.wav">Download the audio</a>.</p>
  <p><label for="answer">The ${CODE_LENGTH} digits</label>
    <input id="answer" name="answer" type="text" inputmode="numeric" autocomplete="off"
      required maxlength="16" aria-describedby="answer-help${view.error ? ' error' : ''}"${view.error ? ' aria-invalid="true" autofocus' : ''}></p>
  <p id="answer-help">You have ${view.attemptsLeft} attempt${view.attemptsLeft === 1 ? '' : 's'} left.</p>
  <p><button type="submit" id="submit">Verify</button></p>
</form>
<p class="note">No third-party scripts, no tracking. This link works once, for 10 minutes, for your account only.</p>
<script src="/verify/assets/pow.js" defer></script>`,
  );
}

/** Every outcome a page can show besides the check itself. */
export type ResultKind =
  | 'passed'
  | 'failed'
  | 'flagged'
  | 'malformed'
  | 'forged'
  | 'expired'
  | 'replayed'
  | 'not-pending'
  | 'rate-limited'
  | 'bad-form'
  | 'too-large'
  | 'unavailable';

const RESULTS: Record<ResultKind, { status: number; title: string; text: string }> = {
  passed: {
    status: 200,
    title: 'You are verified',
    text: 'Thank you. You can close this page and go back to Discord: the server is open to you now.',
  },
  failed: {
    status: 403,
    title: 'Verification failed',
    text: 'That was the last attempt. The server’s moderators decide what happens next.',
  },
  flagged: {
    status: 403,
    title: 'A moderator will look at this',
    text: 'Your answer was right, but other accounts recently verified from the same connection. The moderators have been told.',
  },
  malformed: {
    status: 400,
    title: 'This link is not valid',
    text: 'The link is incomplete or damaged. Go back to Discord and press Verify for a new one.',
  },
  forged: {
    status: 400,
    title: 'This link is not valid',
    text: 'This link was not made by this server. Go back to Discord and press Verify for a new one.',
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    text: 'Links work for 10 minutes. Go back to Discord and press Verify for a new one.',
  },
  replayed: {
    status: 410,
    title: 'This link was already used',
    text: 'Each link works once. Go back to Discord and press Verify for a new one if you still need to.',
  },
  'not-pending': {
    status: 409,
    title: 'Nothing to verify',
    text: 'This account has no verification waiting in that server: it has passed already, or the check ended.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many tries',
    text: 'Please wait ten minutes before trying again.',
  },
  'bad-form': {
    status: 400,
    title: 'The form was not understood',
    text: 'The answer did not arrive in the expected shape. Go back and try again.',
  },
  'too-large': {
    status: 413,
    title: 'Too much data',
    text: 'The form sent more than an answer. Nothing was changed.',
  },
  unavailable: {
    status: 503,
    title: 'Verification is briefly unavailable',
    text: 'Nothing was lost: you stay in the server and can verify as soon as this page works again.',
  },
};

/** A page telling the outcome, with the status code it goes with. */
export function resultPage(kind: ResultKind): { status: number; html: string } {
  const result = RESULTS[kind];
  return {
    status: result.status,
    html: layout(result.title, `<h1>${escapeHtml(result.title)}</h1>\n<p>${escapeHtml(result.text)}</p>`),
  };
}
