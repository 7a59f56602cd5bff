// The board's keyboard map, focus management and the shortcuts dialog (and the task form page's
// first field). htmx does the requests and swaps, the server renders every word (toasts.js
// shows them); this file only moves focus and wires keys to the same buttons a mouse would
// press. No inline handlers anywhere: the CSP forbids them.
(function () {
  "use strict";

  const TASK = "[data-task]";
  let lastFocusedTaskId = null;
  // Where focus goes when the row it was on vanishes (see htmx:beforeSwap).
  let neighbourTaskId = null;

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  const tasks = () => $$("#tasks > li" + TASK);
  const NOT_TEXT = ["checkbox", "radio", "button", "submit", "reset"].map((t) => `[type=${t}]`);
  const TEXT_FIELD = `textarea, select, input:not(${NOT_TEXT.join(", ")})`;
  const isTextField = (el) => el.isContentEditable || el.matches(TEXT_FIELD);

  // Roving tabindex: the list is one tab stop, the task last focused, and a row's controls are
  // reached with the arrow keys (stepInRow), so Tab goes past the list, not through its buttons.
  const CONTROLS = "button, a[href]";
  function setRoving(target) {
    const list = tasks();
    const chosen = target && list.includes(target) ? target : list[0];
    for (const li of list) {
      li.tabIndex = li === chosen ? 0 : -1;
      if (!li.hasAttribute("data-editing")) for (const c of $$(CONTROLS, li)) c.tabIndex = -1;
    }
  }

  function stepInRow(li, delta) {
    if (!li || li.hasAttribute("data-editing")) return false;
    const stops = [li, ...$$(CONTROLS, li)];
    const next = stops[stops.indexOf(document.activeElement) + delta];
    if (next) next.focus();
  }

  function focusTask(li, move = true) {
    if (!li) return;
    setRoving(li);
    if (move) li.focus();
    lastFocusedTaskId = li.dataset.taskId;
  }

  function currentTask() {
    const active = document.activeElement;
    return active ? active.closest("#tasks > li" + TASK) : null;
  }

  function move(delta) {
    const list = tasks();
    const index = currentTask() ? list.indexOf(currentTask()) + delta : 0;
    focusTask(list[Math.max(0, Math.min(list.length - 1, index))]);
  }

  // --- shortcuts dialog -----------------------------------------------------------------------
  function openShortcuts() {
    const dialog = $("#shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  // --- editing ------------------------------------------------------------------------------
  function cancelEdit(li) {
    const cancel = li && $("[data-cancel]", li);
    if (cancel) htmx.trigger(cancel, "click");
  }

  function clickIn(li, selector) {
    const button = li && $(selector, li);
    if (button) button.click();
    return Boolean(button);
  }

  // 1-4 pick the status filter's options in the server's order: no status names in this file.
  function pickStatusOption(index) {
    const select = $("#filter-status");
    if (!select || !select.options[index] || select.selectedIndex === index) return;
    select.selectedIndex = index;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function clearSearch(search) {
    if (search.value !== "") {
      search.value = "";
      search.dispatchEvent(new Event("input", { bubbles: true }));
    }
    if (tasks().length) focusTask(tasks()[0]);
    else search.blur();
  }

  // --- keys ---------------------------------------------------------------------------------
  // Each action gets the focused task (or null) and whether the task itself has focus (not a
  // button in it, so Enter keeps its meaning on buttons and links); it returns false when the
  // key did nothing, so the browser keeps it.
  const KEYS = {
    "/": () => $("#search").select(), // select() focuses too
    n: () => $("#id_quick_title").focus(),
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    ArrowRight: (li) => stepInRow(li, 1),
    ArrowLeft: (li) => stepInRow(li, -1),
    e: (li) => clickIn(li, "[data-edit]"),
    Enter: (li, onRow) => onRow && clickIn(li, "[data-edit]"),
    x: (li) => clickIn(li, "[data-toggle]"),
    t: (li) => clickIn(li, "[data-reschedule]"),
    Delete: (li) => {
      const list = tasks();
      const next = li && (list[list.indexOf(li) + 1] || list[list.indexOf(li) - 1]);
      lastFocusedTaskId = next ? next.dataset.taskId : null;
      return clickIn(li, "[data-delete]");
    },
    // The server keeps the order: each press brings back the most recent delete still in the
    // Trash, so z, z, z undoes three deletes newest first, toasts or not.
    z: () => $("#undo-last")?.requestSubmit(),
    "?": () => openShortcuts(),
  };
  for (const n of [1, 2, 3, 4]) KEYS[n] = () => pickStatusOption(n - 1);

  // Feature scripts (static/js/<feature>.js, loaded after this one) add their keys here instead
  // of listening for keydown themselves, so one listener decides and no key is handled twice.
  // A key is KeyboardEvent.key ("m", "#", "J"); prefixed sequences ("g i") are keys of
  // window.taskmanager.sequences.g, run when the second key follows the first within 1.5 s.
  window.taskmanager = { keys: KEYS, sequences: {}, currentTask, focusTask, tasks };

  // The prefix key waiting for its second key, and when it was pressed. The age is checked when
  // the next key comes, not by a timer: an earlier prefix's timer would cancel a later one.
  let pendingPrefix = null;
  let prefixPressedAt = 0;
  const PREFIX_WAIT = 1500;
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey) return;
    // Shift and Alt with an arrow are keys of their own ("Shift+ArrowUp", "Alt+ArrowUp": moves,
    // kanban.js); any other Alt combination stays the browser's.
    const arrow = event.key.startsWith("Arrow");
    const name = (event.altKey ? "Alt+" : "") + (event.shiftKey && arrow ? "Shift+" : "") + event.key;
    if (event.altKey && !(arrow && KEYS[name])) return;
    const target = event.target;
    const dialog = $("#shortcuts");
    if (dialog && dialog.open) return; // the dialog handles Escape itself
    if (event.key === "Escape") {
      const editing = target.closest && target.closest("[data-editing]");
      if (editing) cancelEdit(editing);
      else if (target.id === "search") clearSearch(target);
      else return;
      event.preventDefault();
      return;
    }
    if (isTextField(target)) return;
    const sequences = window.taskmanager.sequences;
    const prefix = pendingPrefix;
    pendingPrefix = null;
    // Past the wait, the key is a key of its own again.
    if (prefix && event.timeStamp - prefixPressedAt <= PREFIX_WAIT) {
      const run = sequences[prefix][event.key];
      if (run && run(currentTask()) !== false) event.preventDefault();
      return;
    }
    // Shift types a symbol prefix ("*") on most layouts; a Shift+letter is a key of its own ("J").
    if (sequences[event.key] && !(event.shiftKey && /^[a-z]$/i.test(event.key))) {
      pendingPrefix = event.key;
      prefixPressedAt = event.timeStamp;
      event.preventDefault();
      return;
    }
    if (!$("#tasks, [data-kanban]") && event.key !== "?") return;
    const action = KEYS[name];
    const li = currentTask();
    if (action && action(li, Boolean(li) && target === li) !== false) event.preventDefault();
  });

  document.addEventListener("focusin", (event) => {
    const li = event.target.closest && event.target.closest("#tasks > li" + TASK);
    if (li && !li.hasAttribute("data-editing")) focusTask(li, false);
  });

  // Sent by the server (HX-Trigger-After-Settle) when a task comes back, e.g. after an undo.
  document.addEventListener("focus-task", (event) => {
    focusTask(document.getElementById("task-" + event.detail.id));
  });

  // --- htmx lifecycle ------------------------------------------------------------------------
  // Only one row is edited at a time: opening another puts the first back as it was.
  document.addEventListener("htmx:confirm", (event) => {
    const elt = event.detail.elt;
    if (!elt.matches("[data-edit]")) return;
    for (const li of $$("#tasks > li[data-editing]")) if (!li.contains(elt)) cancelEdit(li);
  });

  let sentFilters = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    // Filter requests queue behind earlier writes (hx-sync on <main>) and read the form when
    // they leave, so several queued ones would all send the latest filters: send them once.
    const filters = elt.id === "filters" ? new URLSearchParams(new FormData(elt)).toString() : null;
    if (filters !== null && filters === sentFilters) event.preventDefault();
    sentFilters = filters;
  });

  // A focused row that is about to vanish (deleted, or filtered out after a toggle) hands the
  // keyboard to its neighbour rather than dropping focus on <body>.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target; // none for a history restore
    if (!target?.matches("#tasks > li" + TASK) || !target.contains(document.activeElement)) return;
    const next = target.nextElementSibling || target.previousElementSibling;
    neighbourTaskId = next && next.matches(TASK) ? next.dataset.taskId : null;
  });

  // A row came back into (or out of) edit mode: put focus where the person expects it.
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    const swapped = target?.matches(TASK) && !target.isConnected && document.getElementById(target.id);
    if (!swapped) return;
    // htmx wires up new content only when it settles, a moment later; a fast key press on the
    // freshly focused row would otherwise submit its forms as plain page loads.
    htmx.process(swapped);
    if (swapped.hasAttribute("data-editing")) {
      // The editor starts in its title (select() focuses too); another row form (reschedule)
      // in its first field.
      const title = $("input[name='title']", swapped);
      if (title) title.select();
      else $("input:not([type=hidden]), select, textarea, button", swapped)?.focus();
      return;
    }
    // Leaving the editor (its title field shares the link's id, where htmx puts focus back)
    // lands on the row; otherwise only if focus went down with the old row: htmx already put
    // it back on a control with the same id (the checkbox, after Space), and a row put back
    // because another one was opened for editing keeps out of that other form.
    const active = document.activeElement;
    const leftEditor = target.hasAttribute("data-editing") && swapped.contains(active);
    if (leftEditor || !active || active === document.body) focusTask(swapped);
  });

  // Focus never falls to <body> (a delete, a re-filter, another page): it goes to the task it
  // was on, else that task's neighbour, else the first task, else the empty state.
  document.addEventListener("htmx:afterSettle", () => {
    if (document.activeElement && document.activeElement !== document.body) {
      setRoving(currentTask());
      return;
    }
    const byId = (id) => id && document.getElementById("task-" + id);
    const keep = [byId(lastFocusedTaskId), byId(neighbourTaskId), tasks()[0]].find(
      (el) => el && el.matches("#tasks > li" + TASK),
    );
    neighbourTaskId = null;
    if (keep) focusTask(keep);
    else if ($("#no-tasks")) $("#no-tasks").focus();
  });

  // Back/Forward: htmx swapped in <main> from the server; the new rows need their tab stop.
  document.addEventListener("htmx:historyRestore", () => setRoving(null));

  function init() {
    setRoving(null);
    // The task form page starts in its first field with an error, else in the title.
    const field = $("[data-focus-first] .is-invalid") || $("[data-focus-first] input[name='title']");
    if (field) field.focus();
    // From here the keys work (every feature script has registered its own): the shortcuts
    // button showing is the sign of it a person sees, and the one e2e/support.py waits for.
    if ($("#shortcuts")) for (const el of $$("[data-shortcuts-open]")) el.hidden = false;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
