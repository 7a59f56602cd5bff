// Bulk selection on the board: the rows' "Select <title>" checkboxes belong to the toolbar's
// form (#bulk-form, tasks/bulk_toolbar.html), which works without this file. This file adds the
// keys (s / Space toggle, Shift+J / Shift+K extend, * a all, * n none, Escape clears), Shift-click
// ranges, the visible mark on selected rows, the "3 selected" announcement, the toolbar showing
// only with a selection, and "Select all N matching". The server does every action and renders
// every word of its answer; this file only keeps the checkboxes and says how many are checked.
(function () {
  "use strict";

  const tm = window.taskmanager;
  if (!tm) return; // board.js did not load: the plain form still works

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const boxOf = (li) => li && $("input[data-select]", li);
  const selected = new Set(); // task ids, so a row re-rendered alone (x, an edit) stays selected
  let anchor = null; // the row a Shift-click or Shift+J/K range starts from

  function setRow(li, on) {
    const box = boxOf(li);
    if (!box) return;
    box.checked = on;
    li.classList.toggle("task-selected", on);
    if (on) selected.add(li.dataset.taskId);
    else selected.delete(li.dataset.taskId);
  }

  function refresh(announce = true) {
    const form = $("#bulk-form");
    if (!form) return;
    const rows = tm.tasks();
    const count = rows.filter((li) => boxOf(li)?.checked).length;
    const all = $("[data-bulk-all]", form);
    const wrap = $("[data-bulk-all-wrap]", form);
    const wholePage = count > 0 && count === rows.length;
    if (wrap) {
      wrap.hidden = !wholePage;
      if (!wholePage && all) all.checked = false;
      if (wholePage) loadMatchingLabel(all);
    }
    const matching = all && all.checked;
    form.hidden = count === 0;
    // Once one row is selected every row's box shows (app.css), as in a mail client.
    $("#tasks")?.toggleAttribute("data-selecting", count > 0);
    const quick = $("[data-bulk-quick]", form);
    if (quick) quick.hidden = false;
    let words = count === 0 ? "Selection cleared" : `${count} selected`;
    if (matching) words = $("[data-bulk-all-label]", form).dataset.matched || "All matching selected";
    $("[data-bulk-status]", form).textContent = count ? words : "";
    const live = $("#bulk-live");
    if (live && announce) live.textContent = words;
  }

  // "Select all N matching": N is counted by the server only when a whole page is selected, so
  // the board itself never pays for the count.
  function loadMatchingLabel(box) {
    const label = box && $(`label[for="${box.id}"]`);
    if (!label || label.dataset.loaded) return;
    label.dataset.loaded = "1";
    fetch(box.dataset.countUrl, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((text) => {
        label.textContent = text;
        label.dataset.matched = text.replace(/^Select all/, "All") + " selected";
      })
      .catch(() => { delete label.dataset.loaded; });
  }

  function toggle(li) {
    if (!boxOf(li)) return false;
    setRow(li, !boxOf(li).checked);
    anchor = li;
    refresh();
  }

  function selectAll(on) {
    for (const li of tm.tasks()) setRow(li, on);
    anchor = null;
    refresh();
  }

  // Shift+J / Shift+K: the focused row and the next (or previous) one join the selection.
  function extend(li, delta) {
    const rows = tm.tasks();
    if (!rows.length) return false;
    if (!li) {
      tm.focusTask(rows[0]);
      setRow(rows[0], true);
    } else {
      setRow(li, true);
      const next = rows[rows.indexOf(li) + delta];
      if (next) {
        setRow(next, true);
        tm.focusTask(next);
      }
    }
    refresh();
  }

  tm.keys.s = (li) => (li ? toggle(li) : false);
  tm.keys[" "] = (li, onRow) => (onRow ? toggle(li) : false); // Space on a button presses it
  tm.keys.J = (li) => extend(li, 1);
  tm.keys.K = (li) => extend(li, -1);
  tm.sequences["*"] = { a: () => selectAll(true), n: () => selectAll(false) };

  // Escape clears the selection; board.js handles it first in an editor or the search field.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || !selected.size) return;
    if (event.target.closest("[data-editing], #search, dialog")) return;
    selectAll(false);
    event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const box = event.target.closest("input[data-select]");
    if (box) {
      const li = box.closest("[data-task]");
      const rows = tm.tasks();
      if (event.shiftKey && anchor && rows.includes(anchor) && anchor !== li) {
        const [from, to] = [rows.indexOf(anchor), rows.indexOf(li)].sort((a, b) => a - b);
        for (const row of rows.slice(from, to + 1)) setRow(row, box.checked);
      } else {
        setRow(li, box.checked);
      }
      anchor = li;
      refresh();
      return;
    }
    if (event.target.closest("[data-bulk-clear]")) selectAll(false);
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-bulk-all]")) refresh();
    if (event.target.matches("[data-bulk-apply]")) showFields(event.target.form);
  });

  // "Move to project" suggests the person's projects, read when the field is first focused.
  document.addEventListener("focusin", (event) => {
    const field = event.target.closest("input[data-projects-url]");
    if (!field || field.dataset.loaded) return;
    field.dataset.loaded = "1";
    fetch(field.dataset.projectsUrl, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((text) => {
        const list = document.getElementById(field.getAttribute("list"));
        list.replaceChildren(...text.split("\n").filter(Boolean).map((name) => new Option(name)));
      })
      .catch(() => { delete field.dataset.loaded; });
  });

  // Only the value the chosen action needs (without JavaScript every field shows).
  function showFields(form) {
    const action = $("[data-bulk-apply]", form).value.split(":")[0];
    for (const field of $$("[data-bulk-field]", form)) {
      field.hidden = !field.dataset.bulkField.split(" ").includes(action);
    }
  }

  // A new list (filter, page, a bulk action's answer) starts with nothing selected; a row
  // re-rendered alone keeps its place in the selection.
  function setUp(root) {
    if (root.querySelector?.("#tasks") || root.id === "task-list" || root === document.body) {
      selected.clear();
      anchor = null;
      const form = $("#bulk-form");
      if (form) showFields(form);
    }
    for (const box of $$("input[data-select]", root)) {
      box.tabIndex = -1; // the list is one tab stop (roving tabindex, board.js)
      const li = box.closest("[data-task]");
      if (selected.has(li.dataset.taskId)) setRow(li, true);
    }
    refresh(false);
  }
  htmx.onLoad(setUp);
})();
