// Quick add's chips (tasks/quickadd_chips.html): the server renders what it recognized in the
// field; removing a chip (its × button, or Backspace at the end of the field when the text ends
// with a recognized token) keeps that word as title text. It does so by rewriting the word the
// way a person would, `\word` or "two words", and asking for the preview again, so the server
// stays the only reader of the grammar and what is saved is what the chips showed.
(function () {
  "use strict";

  const FIELD = "#id_quick_title";
  const field = () => document.querySelector(FIELD);

  // The chips describe the text they were parsed from (data-source); once the field has changed
  // since, their places are stale and the next preview (200 ms away) will bring fresh ones.
  function keepAsText(chip) {
    const input = field();
    const list = chip && chip.closest("[data-source]");
    if (!input || !list || input.value !== list.dataset.source) return false;
    const start = Number(chip.dataset.start);
    const end = Number(chip.dataset.end);
    input.value = input.value.slice(0, start) + chip.dataset.literal + input.value.slice(end);
    list.dataset.source = ""; // the other chips' places moved: stale until the preview returns
    chip.remove();
    const caret = start + chip.dataset.literal.length;
    input.focus();
    input.setSelectionRange(caret, caret);
    input.dispatchEvent(new Event("input", { bubbles: true })); // re-request the preview
    return true;
  }

  // The close buttons come hidden (they need this script); show them wherever chips arrive.
  htmx.onLoad((root) => {
    for (const button of root.querySelectorAll(".quick-chip-remove")) button.hidden = false;
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".quick-chip-remove");
    if (!button) return;
    event.preventDefault();
    keepAsText(button.closest(".quick-chip"));
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Backspace" || !event.target.matches(FIELD)) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const input = event.target;
    const end = input.value.length;
    if (input.selectionStart !== end || input.selectionEnd !== end) return;
    const chips = document.querySelectorAll("#quick-chips .quick-chip");
    const last = chips[chips.length - 1]; // in the order of the text
    if (last && Number(last.dataset.end) === end && keepAsText(last)) event.preventDefault();
  });
})();
