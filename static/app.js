// Small progressive enhancements; every page works without them.
document.addEventListener('DOMContentLoaded', () => {
  // A live character count under any textarea that declares a maximum.
  for (const field of document.querySelectorAll('textarea[maxlength][data-count]')) {
    const counter = document.getElementById(field.dataset.count);
    if (!counter) continue;
    const update = () => {
      counter.textContent = `${field.value.length} of ${field.maxLength} characters`;
    };
    field.addEventListener('input', update);
    update();
  }

  // The region a country belongs to, shown as soon as the country is chosen.
  for (const output of document.querySelectorAll('[data-region-for]')) {
    const select = document.getElementById(output.dataset.regionFor);
    if (!select) continue;
    select.addEventListener('change', () => {
      output.textContent = select.selectedOptions[0]?.dataset.region || '—';
    });
  }
});

// htmx: a refusal is swapped in where the user acted, or into the page's live region (the server
// sends HX-Retarget for that). When no answer arrives at all — the network or the server is down —
// say so there too, rather than leave a button that seemingly did nothing.
document.addEventListener('htmx:sendError', () => {
  const region = document.getElementById('htmx-messages');
  if (!region) return;
  const message = document.createElement('p');
  message.className = 'flash flash-error';
  message.setAttribute('role', 'alert');
  message.textContent =
    'The board could not be reached, so nothing was saved. Check your connection and try again.';
  region.replaceChildren(message);
});
document.addEventListener('htmx:beforeRequest', () => {
  document.getElementById('htmx-messages')?.replaceChildren();
});

// A confirmation step: without JavaScript the link opens a confirmation page; with it, the same
// question in a dialog on this page.
document.addEventListener('click', (event) => {
  const opener = event.target instanceof Element ? event.target.closest('[data-confirm-dialog]') : null;
  if (opener) {
    const dialog = document.getElementById(opener.getAttribute('data-confirm-dialog'));
    if (dialog && typeof dialog.showModal === 'function') {
      event.preventDefault();
      dialog.showModal();
    }
    return;
  }
  const closer = event.target instanceof Element ? event.target.closest('[data-close-dialog]') : null;
  closer?.closest('dialog')?.close();
});

// A form that asks before it acts (disabling an account): the browser's own confirmation. Without
// JavaScript the form acts at once; what it does can be undone (enabling the account again).
document.addEventListener('submit', (event) => {
  const form = event.target instanceof HTMLFormElement ? event.target : null;
  const question = form?.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});
