// The board's keyboard map, focus management and toasts. htmx does the requests and swaps;
// this file only moves focus, wires keys to the same buttons a mouse would press, and tidies
// up after swaps. No inline handlers anywhere: the CSP forbids them.
(function () {
  "use strict";

  const TASK = "[data-task]";
  let lastFocusedTaskId = null;
  // Where focus goes when the row it was on vanishes (see htmx:beforeSwap).
  let neighbourTaskId = null;
  // A task that must get focus once the current swap settles, wherever focus is (htmx itself
  // puts focus back on an element with the same id, which is the wrong task after an undo).
  let pendingFocusId = null;

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  function tasks() {
    return $$("#tasks > li" + TASK);
  }

  function isTextField(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    const tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return !["checkbox", "radio", "button", "submit", "reset"].includes(el.type);
  }

  // Roving tabindex: exactly one task is in the tab order, the one last focused.
  function setRoving(target) {
    const list = tasks();
    if (!list.length) return;
    const chosen = target && list.includes(target) ? target : list[0];
    for (const li of list) li.tabIndex = li === chosen ? 0 : -1;
  }

  function focusTask(li) {
    if (!li) return;
    setRoving(li);
    li.focus();
    lastFocusedTaskId = li.dataset.taskId;
  }

  function currentTask() {
    const active = document.activeElement;
    return active ? active.closest("#tasks > li" + TASK) : null;
  }

  function move(delta) {
    const list = tasks();
    if (!list.length) return;
    const current = currentTask();
    let index = current ? list.indexOf(current) + delta : 0;
    index = Math.max(0, Math.min(list.length - 1, index));
    focusTask(list[index]);
  }

  function syncEmptyState() {
    const empty = $("#no-tasks");
    if (empty) empty.hidden = tasks().length > 0;
  }

  // --- toasts ------------------------------------------------------------------------------
  function armToasts(root) {
    for (const toast of $$("[data-toast]", root)) {
      if (toast.dataset.armed) continue;
      toast.dataset.armed = "1";
      const ms = parseInt(toast.dataset.toastMs || "5000", 10);
      let timer = setTimeout(() => toast.remove(), ms);
      // Never snatch a toast away while someone is reaching for its Undo button.
      const pause = () => clearTimeout(timer);
      const resume = () => {
        clearTimeout(timer);
        timer = setTimeout(() => toast.remove(), ms);
      };
      toast.addEventListener("mouseenter", pause);
      toast.addEventListener("focusin", pause);
      toast.addEventListener("mouseleave", resume);
      toast.addEventListener("focusout", resume);
    }
  }

  function showToast(text, level) {
    const region = $("#toasts");
    if (!region) return;
    const toast = document.createElement("div");
    toast.className = "toast show align-items-center border-0 text-bg-" + (level || "danger");
    toast.dataset.toast = "";
    toast.dataset.toastMs = "6000";
    const row = document.createElement("div");
    row.className = "d-flex align-items-center gap-2 p-2";
    const body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white ms-auto";
    close.setAttribute("aria-label", "Dismiss");
    close.dataset.toastClose = "";
    row.append(body, close);
    toast.append(row);
    region.append(toast);
    armToasts(region);
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

  function startEdit(li) {
    if (!li) return;
    const edit = $("[data-edit]", li);
    if (edit) edit.click();
  }

  function clickIn(li, selector) {
    const button = li && $(selector, li);
    if (button) button.click();
  }

  function setStatusFilter(value) {
    const select = $("#filter-status");
    if (!select || select.value === value) return;
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // --- keys ---------------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const li = currentTask();
    const dialog = $("#shortcuts");
    if (dialog && dialog.open) return; // the dialog handles Escape itself

    if (event.key === "Escape") {
      const editing = target.closest && target.closest("[data-editing]");
      if (editing) {
        event.preventDefault();
        cancelEdit(editing);
        return;
      }
      if (target.id === "search") {
        event.preventDefault();
        if (target.value !== "") {
          target.value = "";
          target.dispatchEvent(new Event("input", { bubbles: true }));
        }
        const first = tasks()[0];
        if (first) focusTask(first);
        else target.blur();
        return;
      }
      return;
    }

    if (isTextField(target)) return;
    if (!$("#tasks")) {
      if (event.key === "?") openShortcuts();
      return;
    }

    // Keys that act on the focused task only when the task itself (not a button in it) has focus,
    // so Enter and Space keep their usual meaning on buttons and links.
    const onRow = li && target === li;
    switch (event.key) {
      case "/":
        event.preventDefault();
        $("#search").focus();
        $("#search").select();
        return;
      case "n":
        event.preventDefault();
        $("#id_quick_title").focus();
        return;
      case "j":
      case "ArrowDown":
        event.preventDefault();
        move(1);
        return;
      case "k":
      case "ArrowUp":
        event.preventDefault();
        move(-1);
        return;
      case "e":
        if (li) {
          event.preventDefault();
          startEdit(li);
        }
        return;
      case "Enter":
        if (onRow) {
          event.preventDefault();
          startEdit(li);
        }
        return;
      case "x":
        if (li) {
          event.preventDefault();
          clickIn(li, "[data-toggle]");
        }
        return;
      case "Delete":
        if (li) {
          event.preventDefault();
          const list = tasks();
          const next = list[list.indexOf(li) + 1] || list[list.indexOf(li) - 1];
          lastFocusedTaskId = next ? next.dataset.taskId : null;
          clickIn(li, "[data-delete]");
        }
        return;
      case "z": {
        const undos = $$("#toasts [data-undo]");
        if (undos.length) {
          event.preventDefault();
          undos[undos.length - 1].click();
        }
        return;
      }
      case "1":
      case "2":
      case "3":
      case "4":
        event.preventDefault();
        setStatusFilter(["", "pending", "in_progress", "completed"][Number(event.key) - 1]);
        return;
      case "?":
        event.preventDefault();
        openShortcuts();
        return;
    }
  });

  document.addEventListener("focusin", (event) => {
    const li = event.target.closest && event.target.closest("#tasks > li" + TASK);
    if (li && !li.hasAttribute("data-editing")) {
      setRoving(li);
      lastFocusedTaskId = li.dataset.taskId;
    }
  });

  document.addEventListener("click", (event) => {
    const close = event.target.closest("[data-toast-close]");
    if (close) close.closest("[data-toast]").remove();
    if (event.target.closest("[data-shortcuts-open]")) openShortcuts();
    if (event.target.closest("[data-shortcuts-close]")) $("#shortcuts").close();
    // Undo brings a task back: that task is where the keyboard should land afterwards.
    const undo = event.target.closest("[data-undo]");
    const restoreUrl = undo && undo.form && undo.form.getAttribute("hx-post");
    const restored = restoreUrl && restoreUrl.match(/\/task\/(\d+)\/restore\//);
    if (restored) pendingFocusId = restored[1];
  });

  // --- htmx lifecycle ------------------------------------------------------------------------
  // Only one row is edited at a time: opening another puts the first back as it was.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const source = event.detail.elt;
    if (!source.closest) return;
    const opening = source.matches("[data-edit]");
    if (!opening) return;
    const row = source.closest("li[data-task]");
    for (const editing of $$("#tasks > li[data-editing]")) {
      if (editing !== row) cancelEdit(editing);
    }
  });

  // A focused row that is about to vanish (deleted, or filtered out after a toggle) hands the
  // keyboard to its neighbour rather than dropping focus on <body>.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || !target.matches || !target.matches("#tasks > li" + TASK)) return;
    if (!target.contains(document.activeElement)) return;
    const next = target.nextElementSibling || target.previousElementSibling;
    neighbourTaskId = next && next.matches(TASK) ? next.dataset.taskId : null;
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    // A row came back into (or out of) edit mode: put focus where the person expects it.
    if (target && target.matches && target.matches(TASK) && !target.isConnected) {
      const swapped = document.getElementById(target.id);
      // htmx wires up new content only when it settles, a moment later; a fast key press on
      // the freshly focused row would otherwise submit its forms as plain page loads.
      if (swapped) htmx.process(swapped);
      if (swapped && swapped.hasAttribute("data-editing")) {
        const title = $("input[name='title']", swapped);
        if (title) {
          title.focus();
          title.select();
        }
      } else if (swapped) {
        // Only if focus went down with the old row: a row put back because another one was
        // opened for editing must not pull focus out of that other form.
        const active = document.activeElement;
        if (!active || active === document.body || swapped.contains(active)) focusTask(swapped);
      }
    }
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    syncEmptyState();
    armToasts(document);
    const list = tasks();
    if (!list.length) return;
    const pending = pendingFocusId && document.getElementById("task-" + pendingFocusId);
    if (pending && pending.matches("#tasks > li" + TASK)) {
      pendingFocusId = null;
      focusTask(pending);
      return;
    }
    // After a delete, a restore or a re-filter, keep the keyboard on a sensible task.
    if (!document.activeElement || document.activeElement === document.body) {
      const byId = (id) => id && document.getElementById("task-" + id);
      const keep = [byId(lastFocusedTaskId), byId(neighbourTaskId)].find(
        (el) => el && el.matches("#tasks > li" + TASK),
      );
      neighbourTaskId = null;
      if (keep) focusTask(keep);
      else if (event.detail.target && event.detail.target.id === "task-list") setRoving(null);
    } else {
      setRoving(currentTask());
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form.id === "quick-add" && event.detail.successful && event.detail.xhr.status < 300) {
      form.reset();
      // An earlier blank submit left the field marked invalid; this one succeeded, so clear it.
      const title = $("#id_quick_title");
      title.classList.remove("is-invalid");
      title.removeAttribute("aria-invalid");
      title.removeAttribute("aria-describedby");
      const error = $("#quick-title-error");
      if (error) error.remove();
      title.focus();
    }
  });

  // htmx does not swap 4xx/5xx responses (other than our 409/422 forms): say something.
  document.addEventListener("htmx:responseError", (event) => {
    pendingFocusId = null; // the undo (or whatever it was) did not happen
    const status = event.detail.xhr.status;
    if (status === 404) showToast("That task no longer exists. Reload the board to see the latest.");
    else if (status === 403) showToast("Your session or form expired. Reload the page and try again.");
    else if (status === 429) showToast("Too many requests. Wait a moment and try again.");
    else if (status >= 500) showToast("The server could not do that just now. Nothing was lost; try again.");
    else showToast("That did not work (error " + status + ").");
  });
  document.addEventListener("htmx:sendError", () => {
    showToast("Cannot reach the server. Check your connection and try again.");
  });

  function tidy() {
    setRoving(null);
    syncEmptyState();
    armToasts(document);
  }

  // Back/Forward: htmx swapped in <main> from the server; the new rows need their tab stop.
  document.addEventListener("htmx:historyRestore", tidy);

  function init() {
    tidy();
    for (const el of $$("[data-shortcuts-open]")) el.hidden = false;
    window.taskmanager = { focusTask, showToast };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
