// Quick add's chips (tasks/quickadd_chips.html): the server renders what it recognized in the
// field; removing a chip (its × button) keeps that word as title text. It does so by rewriting
// the word the way a person would, `\word` or "two words", and asking for the preview again, so
// the server stays the only reader of the grammar and what is saved is what the chips showed.
// Backspace stays the browser's: it deletes a character, never escapes a word (issue 22).
// Focus goes only where the person puts it: Escape leaves the field for the list, and the form
// renewed after an add never pulls focus back from wherever the person went meanwhile.
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

  // Escape: back to the list, on the task just added (the renewed form names it), else the
  // first task, as Escape in the search field does. A draft stays in the field for later.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || !event.target.matches(FIELD)) return;
    const board = window.taskmanager;
    const rows = board ? board.tasks() : [];
    const added = document.getElementById(event.target.form.dataset.added || "");
    const row = rows.includes(added) ? added : rows[0];
    const empty = document.getElementById("no-tasks");
    if (row) board.focusTask(row);
    else if (empty && empty.offsetParent) empty.focus();
    else event.target.blur();
    event.preventDefault();
  });

  // The form is renewed out of band after each add. htmx puts focus back on the field when the
  // field had it; when another control of the form had it (the "Create project" button, gone
  // from the new form), the field takes it; focus anywhere else stays where the person put it.
  let refocus = false;
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const form = event.detail.target;
    if (form.id !== "quick-add") return;
    const active = document.activeElement;
    refocus = Boolean(active) && form.contains(active) && !active.matches(FIELD);
  });
  document.addEventListener("htmx:oobAfterSwap", () => {
    if (!refocus) return;
    refocus = false;
    const input = field();
    if (input) input.focus();
  });
})();
