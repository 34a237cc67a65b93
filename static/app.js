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
