// Projects on the board: `m` moves the focused task to another project, `g p` goes to one. Both
// open the same small picker (tasks/project_picker.html): type to filter, arrow keys choose,
// Enter acts, Escape cancels. The server does the move (a POST to the row's data-project-url, a
// compare-and-swap on the task's version) and answers with the row (or its removal) and a toast
// the live region reads. Keys are registered on window.taskmanager (board.js): one keydown
// listener for all.
(function () {
  "use strict";

  const $ = (selector, root = document) => root.querySelector(selector);
  let mode = "move";
  let taskRow = null;

  function options() {
    return Array.from(document.querySelectorAll("#project-picker-list [role=option]"));
  }

  function visible() {
    return options().filter((li) => !li.hidden);
  }

  function select(li) {
    const input = $("#project-picker-filter");
    for (const option of options()) {
      const on = option === li;
      option.setAttribute("aria-selected", on ? "true" : "false");
      option.classList.toggle("active", on);
    }
    if (li) {
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function selected() {
    return options().find((li) => li.getAttribute("aria-selected") === "true" && !li.hidden);
  }

  function filter() {
    const words = $("#project-picker-filter").value.trim().toLowerCase();
    for (const li of options()) {
      const name = li.dataset.projectName.toLowerCase();
      // In move mode the task's own project is not a destination.
      const own = mode === "move" && taskRow && li.dataset.projectId === taskRow.dataset.projectId;
      li.hidden = own || (words !== "" && !name.includes(words));
    }
    const shown = visible();
    $("#project-picker-empty").hidden = shown.length > 0;
    if (!shown.includes(selected())) select(shown[0] || null);
  }

  function open(newMode, li) {
    const dialog = $("#project-picker");
    if (!dialog) return false;
    mode = newMode;
    taskRow = li;
    const title = $("#project-picker-title");
    title.textContent = mode === "move" ? title.dataset.moveTitle : title.dataset.goTitle;
    $("#project-picker-filter").value = "";
    filter();
    dialog.showModal();
    $("#project-picker-filter").focus();
    return true;
  }

  function close() {
    const dialog = $("#project-picker");
    if (dialog.open) dialog.close();
  }

  function choose(li) {
    if (!li) return;
    close();
    if (mode === "go") {
      window.location.assign(li.dataset.url);
      return;
    }
    const row = taskRow;
    if (!row || !window.htmx) return;
    const id = row.dataset.taskId;
    window.htmx.ajax("POST", row.dataset.projectUrl, {
      source: "#task-list", // not the row, whose hx-include is for moves in the Manual sort
      target: `#task-${id}`,
      swap: "outerHTML",
      values: { project: li.dataset.projectId, version: row.dataset.version },
    });
  }

  function step(delta) {
    const shown = visible();
    if (!shown.length) return;
    const index = shown.indexOf(selected());
    select(shown[(index + delta + shown.length) % shown.length]);
  }

  document.addEventListener("input", (event) => {
    if (event.target.id === "project-picker-filter") filter();
  });

  document.addEventListener("keydown", (event) => {
    if (event.target.id !== "project-picker-filter") return;
    if (event.key === "ArrowDown") step(1);
    else if (event.key === "ArrowUp") step(-1);
    else if (event.key === "Enter") choose(selected());
    else return;
    event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const li = event.target.closest && event.target.closest("#project-picker-list [role=option]");
    if (li) choose(li);
  });

  // Focus goes back to the task (or wherever it was) when the picker closes without a move.
  document.addEventListener("close", (event) => {
    if (event.target.id === "project-picker" && taskRow && document.contains(taskRow)) {
      window.taskmanager.focusTask(taskRow);
    }
  }, true);

  function register() {
    const tm = window.taskmanager;
    if (!tm) return;
    // A list row, or on the kanban board the focused card (board.js's currentTask is rows only).
    tm.keys.m = (li) => {
      const target = li || document.activeElement?.closest?.("[data-card]");
      return Boolean(target) && open("move", target);
    };
    tm.sequences.g = tm.sequences.g || {};
    tm.sequences.g.p = () => open("go", null);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", register);
  else register();
})();
