/** The page's stylesheet: readable, high contrast, visible focus, nothing carried by colour alone. */
export const STYLE_CSS = `
:root { color-scheme: light dark; font: 1.1rem/1.5 system-ui, sans-serif; }
body { margin: 0; padding: 1rem; }
main { max-width: 36rem; margin: 0 auto; }
h1 { font-size: 1.6rem; }
img { border: 2px solid currentColor; background: #fff; max-width: 100%; height: auto; }
input[type=text] { font-size: 1.4rem; letter-spacing: 0.3em; padding: 0.4rem; width: 10ch; border: 2px solid currentColor; }
button { font-size: 1.1rem; padding: 0.5rem 1.5rem; border: 2px solid currentColor; border-radius: 0.3rem; cursor: pointer; }
:focus-visible { outline: 3px solid; outline-offset: 3px; }
.error { border: 3px solid; border-left-width: 0.8rem; padding: 0 1rem; margin: 1rem 0; }
.note { font-size: 0.95rem; }
`;

/**
 * The proof of work, in plain first-party JavaScript: find the number whose SHA-256 with the
 * salt is the challenge (ALTCHA's scheme), then put the signed solution in the form. The
 * status line tells screen readers how it goes; a submit waits for it.
 */
export const POW_JS = `'use strict';
(function () {
  var status = document.getElementById('pow-status');
  var field = document.getElementById('altcha');
  var form = document.getElementById('verify-form');
  var error = document.getElementById('error');
  if (error) error.focus();
  if (!status || !field || !form || !window.crypto || !crypto.subtle) return;
  var challenge = JSON.parse(status.getAttribute('data-challenge'));
  var waiting = false;
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  async function solve() {
    var encoder = new TextEncoder();
    for (var n = 0; n <= challenge.maxnumber; n++) {
      var digest = await crypto.subtle.digest('SHA-256', encoder.encode(challenge.salt + n));
      if (hex(digest) === challenge.challenge) return n;
    }
    return null;
  }
  var done = solve().then(function (number) {
    if (number === null) { status.textContent = 'The browser check failed. Reload the page to try again.'; return; }
    field.value = btoa(JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge,
      number: number, salt: challenge.salt, signature: challenge.signature }));
    status.textContent = 'Browser check done. Type the digits and press Verify.';
    form.setAttribute('data-ready', 'true');
    if (waiting) form.submit();
  });
  form.addEventListener('submit', function (event) {
    if (field.value) return;
    event.preventDefault();
    waiting = true;
    status.textContent = 'Finishing the browser check, then sending your answer…';
    return done;
  });
})();
`;
