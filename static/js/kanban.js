// The kanban board's drag and drop (SortableJS) and keys, and the Manual sort's reorder keys in
// the list. Every move is the POST a no-JavaScript "Up", "Down" or "Move to …" button makes: the
// card moves on screen at once, then this file fills in the board's #move-form (where to) and
// fires "moved" on the card, whose hx-post (rendered by the server) sends it. The server answers
// with the card, the column counts and the toast that announces the move ("Moved 'X' to In
// progress, position 2 of 5"). A column is a status, or a section on a project's board of
// sections: the columns' container says which field a move sends (data-column-field). Keys are
// registered on window.taskmanager (board.js), which owns the one keydown listener. No inline
// styles: Sortable only sets CSSOM properties, which the CSP allows.
(function () {
  "use strict";

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const CARD = "[data-card]";

  const board = () => $("[data-kanban]");
  const columns = () => $$("[data-cards]");
  const cardsIn = (ul) => $$(":scope > " + CARD, ul);
  const currentCard = () => document.activeElement?.closest?.(CARD) || null;
  const reorderable = () => board()?.hasAttribute("data-reorder");

  // --- focus ---------------------------------------------------------------------------------
  // Roving tabindex over the cards: the board is one tab stop, the card last focused.
  function focusCard(card) {
    if (!card) return;
    for (const c of $$(CARD)) c.tabIndex = c === card ? 0 : -1;
    card.focus();
    card.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function stepInColumn(card, delta) {
    if (!card) return focusCard($(CARD));
    const list = cardsIn(card.parentElement);
    const next = list[list.indexOf(card) + delta];
    if (next) focusCard(next);
  }

  function stepColumn(card, delta) {
    const cols = columns();
    if (!card) return focusCard($(CARD));
    const from = card.parentElement;
    const index = cardsIn(from).indexOf(card);
    for (let i = cols.indexOf(from) + delta; i >= 0 && i < cols.length; i += delta) {
      const list = cardsIn(cols[i]);
      if (list.length) return focusCard(list[Math.min(index, list.length - 1)]);
    }
  }

  // --- moving ---------------------------------------------------------------------------------
  // Send a move of `item` (a card, or a row in the Manual sort): its hx-post with these fields.
  function send(item, where) {
    const form = $("#move-form");
    if (!form) return;
    for (const input of form.elements) input.value = where[input.name] ?? "";
    htmx.trigger(item, "moved");
  }

  // Where `item` now stands in the DOM: right after the one before it, else right before the one
  // after it, else (an empty column) nowhere in particular.
  function neighbours(item, selector) {
    const prev = item.previousElementSibling?.matches(selector) ? item.previousElementSibling : null;
    const next = item.nextElementSibling?.matches(selector) ? item.nextElementSibling : null;
    if (prev) return { after: prev.dataset.taskId };
    return next ? { before: next.dataset.taskId } : {};
  }

  // The board's answer is the card: htmx puts focus back on it (same id) when it had it.
  function postMove(card) {
    const field = $("[data-column-field]")?.dataset.columnField || "status";
    send(card, { [field]: card.parentElement.dataset.cards, ...(reorderable() ? neighbours(card, CARD) : {}) });
  }

  function moveWithin(card, delta) {
    if (!card || !reorderable()) return false;
    const list = cardsIn(card.parentElement);
    const other = list[list.indexOf(card) + delta];
    if (!other) return true; // already first/last: nothing to do, but the key is ours
    if (delta < 0) other.before(card);
    else other.after(card);
    card.focus();
    postMove(card);
    return true;
  }

  function moveToColumn(card, delta) {
    if (!card) return false;
    const cols = columns();
    const target = cols[cols.indexOf(card.parentElement) + delta];
    if (!target) return true;
    target.prepend(card);
    card.focus();
    postMove(card);
    return true;
  }

  // The list in the Manual sort (it has the move form then): the server re-renders the list;
  // board.js keeps focus on the row (its htmx:afterSettle puts it back on the task it was on).
  function moveRow(li, dir) {
    if (!li || !$("#move-form")) return false;
    send(li, { dir });
    return true;
  }

  // --- drag and drop -------------------------------------------------------------------------
  function initSortable(root) {
    if (typeof Sortable === "undefined") return;
    for (const ul of $$("[data-cards]", root)) {
      if (ul.sortable) continue;
      ul.sortable = Sortable.create(ul, {
        group: "kanban",
        draggable: CARD,
        filter: "button, a, input, summary, details",
        preventOnFilter: false,
        sort: reorderable(),
        animation: 0,
        // The same mouse and touch code everywhere (no native HTML5 drag image): predictable
        // on phones and in the browser tests.
        forceFallback: true,
        fallbackOnBody: true,
        ghostClass: "kanban-ghost",
        chosenClass: "kanban-chosen",
        dragClass: "kanban-drag",
        onEnd(event) {
          if (event.from === event.to && event.oldIndex === event.newIndex) return;
          postMove(event.item);
        },
      });
    }
  }

  // The list in the Manual sort: rows are dragged too (the grip is drawn by kanban.css).
  function initListSortable() {
    const list = $("#tasks");
    if (typeof Sortable === "undefined" || !list || list.sortable || !$("#move-form")) return;
    list.sortable = Sortable.create(list, {
      draggable: "li[data-task]",
      filter: "button, a, input, select, textarea, [data-editing]",
      preventOnFilter: false,
      animation: 0,
      forceFallback: true,
      fallbackOnBody: true,
      ghostClass: "kanban-ghost",
      onEnd(event) {
        if (event.oldIndex !== event.newIndex) send(event.item, neighbours(event.item, "[data-task]"));
      },
    });
  }

  // --- keys ----------------------------------------------------------------------------------
  const tm = () => window.taskmanager;

  function register() {
    const keys = tm().keys;
    // On the board a key acts on the focused card; in the list it keeps its list meaning.
    const onBoard = (boardAction, listAction) => (li, onRow) => {
      if (board()) return boardAction(currentCard());
      return listAction ? listAction(li, onRow) : false;
    };
    const click = (selector) => (card) => {
      const el = card && $(selector, card);
      if (el) el.click();
      return Boolean(el);
    };
    keys.j = onBoard((c) => stepInColumn(c, 1), keys.j);
    keys.k = onBoard((c) => stepInColumn(c, -1), keys.k);
    keys.ArrowDown = onBoard((c) => stepInColumn(c, 1), keys.ArrowDown);
    keys.ArrowUp = onBoard((c) => stepInColumn(c, -1), keys.ArrowUp);
    keys.ArrowRight = onBoard((c) => stepColumn(c, 1), keys.ArrowRight);
    keys.ArrowLeft = onBoard((c) => stepColumn(c, -1), keys.ArrowLeft);
    keys.e = onBoard(click("[data-edit]"), keys.e);
    keys.x = onBoard(click("[data-toggle]"), keys.x);
    keys.Delete = onBoard((card) => {
      if (!card) return false;
      const list = cardsIn(card.parentElement);
      const neighbour = list[list.indexOf(card) + 1] || list[list.indexOf(card) - 1];
      const id = neighbour?.id;
      const done = click("[data-delete]")(card);
      if (id) document.addEventListener("htmx:afterSettle", () => focusCard(document.getElementById(id)), { once: true });
      return done;
    }, keys.Delete);
    for (const prefix of ["Shift+", "Alt+"]) {
      keys[prefix + "ArrowUp"] = onBoard((c) => moveWithin(c, -1), (li) => moveRow(li, "up"));
      keys[prefix + "ArrowDown"] = onBoard((c) => moveWithin(c, 1), (li) => moveRow(li, "down"));
    }
    keys["Shift+ArrowLeft"] = onBoard((c) => moveToColumn(c, -1));
    keys["Shift+ArrowRight"] = onBoard((c) => moveToColumn(c, 1));
  }

  // A card's actions menu (<details>): Escape closes it and gives focus back to its button.
  document.addEventListener("keydown", (event) => {
    const menu = event.target.closest?.(".card-menu[open]");
    if (event.key !== "Escape" || !menu) return;
    event.stopPropagation();
    menu.open = false;
    menu.querySelector("summary")?.focus();
  }, true);

  document.addEventListener("focusin", (event) => {
    const card = event.target.closest?.(CARD);
    if (card && event.target === card) for (const c of $$(CARD)) c.tabIndex = c === card ? 0 : -1;
  });

  // A refused move (400/404) leaves the screen out of step: read the board again, in the queue
  // of the person's requests (the list's own, which <main> sends: js/requests.js).
  document.addEventListener("htmx:responseError", (event) => {
    if (!board() || !event.detail.target?.matches?.(CARD)) return;
    htmx.ajax("GET", location.pathname + location.search, { source: "#task-list", target: "#task-list", swap: "outerHTML" });
  });

  function init() {
    if (!window.taskmanager) return setTimeout(init, 20); // board.js (deferred) runs first
    register();
    initSortable(document);
    initListSortable();
    const first = $(CARD);
    if (first) first.tabIndex = 0;
    htmx.onLoad((root) => {
      initSortable(root);
      initListSortable();
      if (!$$(CARD).some((c) => c.tabIndex === 0) && $(CARD)) $(CARD).tabIndex = 0;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
