// Tags: the task forms' tags field as chips with suggestions (an ARIA combobox), the rows'
// chips filtering the board through the search box, and `#` / `l` to edit a task's tags.
// Without this file the field is the plain text input "home, errand" the server reads, and a
// chip is a link to "?q=%23home": both work the same, only slower to use.
(function () {
  "use strict";

  const $ = (sel, root = document) => root.querySelector(sel);
  // The server's rule (tasks/tagging.py): letters, digits, _ - / . up to 40 characters.
  const TAG_NAME = /^[\p{L}\p{M}\p{N}_\-/.]{1,40}$/u;
  let counter = 0;

  function split(text) {
    return text.split(/[\s,]+/).map((t) => t.replace(/^#/, "")).filter(Boolean);
  }

  // --- the tags field ---------------------------------------------------------------------------
  function enhance(field) {
    if (field.dataset.tagsEnhanced) return;
    field.dataset.tagsEnhanced = "1";
    const n = ++counter;
    const names = split(field.value);
    const box = document.createElement("div");
    box.className = "tags-field form-control form-control-sm d-flex flex-wrap align-items-center gap-1";
    const chips = document.createElement("ul");
    chips.className = "list-unstyled d-flex flex-wrap gap-1 mb-0";
    chips.setAttribute("aria-label", "Tags on this task");
    const input = document.createElement("input");
    const listbox = document.createElement("ul");
    const status = document.createElement("span");
    input.type = "text";
    input.className = "tags-input border-0 flex-grow-1";
    input.id = field.id; // the field's <label for> now names the combobox
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `tags-listbox-${n}`);
    input.setAttribute("aria-describedby", `tags-help-${n}`);
    input.dataset.tagsCombobox = "";
    listbox.id = `tags-listbox-${n}`;
    listbox.className = "tags-listbox list-group position-absolute shadow-sm";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", "Matching tags");
    listbox.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    const help = document.createElement("span");
    help.id = `tags-help-${n}`;
    help.className = "visually-hidden";
    help.textContent = "Type a tag; Enter or comma adds it, Backspace removes the last one.";
    field.id = `${field.id}-value`;
    field.type = "hidden";
    const wrap = document.createElement("div");
    wrap.className = "position-relative";
    field.after(wrap);
    box.append(chips, input);
    wrap.append(box, listbox, status, help);

    let active = -1;
    let timer = null;
    let asked = "";
    const say = (text) => { status.textContent = text; };
    const current = () => Array.from(chips.children).map((li) => li.dataset.tag);
    const sync = () => {
      const typed = input.value.trim() ? [input.value.trim().replace(/^#/, "")] : [];
      field.value = [...current(), ...typed].join(", ");
    };

    function addChip(name, announce = true) {
      name = name.trim().replace(/^#/, "");
      if (!name) return;
      if (current().some((t) => t.toLowerCase() === name.toLowerCase())) {
        if (announce) say(`#${name} is already on this task`);
        return;
      }
      if (!TAG_NAME.test(name)) {
        say(`“${name}” is not a tag name: use letters, digits, - _ / or . only`);
        return;
      }
      const li = document.createElement("li");
      li.className = "badge rounded-pill bg-body-secondary text-body-emphasis border d-inline-flex align-items-center gap-1";
      li.dataset.tag = name;
      const label = document.createElement("span");
      label.textContent = `#${name}`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn-close tag-remove";
      remove.setAttribute("aria-label", `Remove tag ${name}`);
      remove.addEventListener("click", () => { removeChip(li); input.focus(); });
      li.append(label, remove);
      chips.append(li);
      if (announce) say(`Added tag ${name}`);
      sync();
    }

    function removeChip(li) {
      if (!li) return;
      say(`Removed tag ${li.dataset.tag}`);
      li.remove();
      sync();
    }

    const options = () => Array.from(listbox.querySelectorAll("[role=option]"));
    function close() {
      listbox.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      const list = options();
      if (!list.length) return;
      active = (index + list.length) % list.length;
      list.forEach((opt, i) => {
        opt.classList.toggle("active", i === active);
        opt.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", list[active].id);
    }

    async function suggest() {
      const typed = input.value.trim().replace(/^#/, "");
      if (!typed) { close(); return; }
      asked = typed;
      const response = await fetch(`${field.dataset.suggestUrl}?q=${encodeURIComponent(typed)}`, {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      if (!response.ok || asked !== typed) return; // a later keystroke asked again
      listbox.innerHTML = await response.text();
      const have = current().map((t) => t.toLowerCase());
      options().forEach((opt, i) => {
        opt.id = `${listbox.id}-${i}`;
        opt.setAttribute("aria-selected", "false");
        if (have.includes(opt.dataset.tagOption.toLowerCase())) opt.remove();
      });
      const count = options().length;
      listbox.hidden = count === 0;
      input.setAttribute("aria-expanded", count ? "true" : "false");
      active = -1;
      say(count ? `${count} matching tag${count === 1 ? "" : "s"}, use the arrow keys` : "No matching tag; Enter adds it as new");
    }

    function commit() {
      const list = options();
      const choice = active >= 0 && !listbox.hidden ? list[active].dataset.tagOption : input.value;
      for (const name of split(choice)) addChip(name);
      input.value = "";
      close();
      sync();
    }

    input.addEventListener("input", () => {
      if (input.value.includes(",")) { commit(); return; }
      sync();
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
    input.addEventListener("keydown", (event) => {
      const open = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) return;
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        if (!input.value.trim() && !(open && active >= 0)) return; // Enter submits the form
        commit();
      } else if (event.key === ",") {
        commit();
      } else if (event.key === "Backspace" && input.value === "") {
        removeChip(chips.lastElementChild);
      } else if (event.key === "Escape" && open) {
        close(); // the first Escape closes the list; the next one cancels the edit (board.js)
      } else {
        return;
      }
      event.preventDefault();
    });
    listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (!option) return;
      input.value = "";
      addChip(option.dataset.tagOption);
      close();
      input.focus();
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
    for (const name of names) addChip(name, false);
    sync();
  }

  function enhanceAll(root) {
    const scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("input[data-tags-input]")) enhance(scope);
    scope.querySelectorAll("input[data-tags-input]").forEach(enhance);
  }

  // --- chips on rows ------------------------------------------------------------------------------
  // A chip types its token into the search box, so the box, the URL and the list agree.
  document.addEventListener("click", (event) => {
    const chip = event.target.closest && event.target.closest("a[data-tag-filter]");
    const search = $("#search");
    if (!chip || !search || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
    event.preventDefault();
    search.value = `#${chip.dataset.tagFilter}`;
    search.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // --- `#` and `l`: edit the focused task's tags ------------------------------------------------------
  let tagsFor = null;
  function editTags(li) {
    if (!li) return false;
    const open = $("input[data-tags-combobox]", li);
    if (open) { open.focus(); return true; }
    const edit = $("[data-edit]", li);
    if (!edit) return false;
    tagsFor = li.id;
    edit.click();
    return true;
  }
  document.addEventListener("htmx:afterSettle", () => {
    if (!tagsFor) return;
    const row = document.getElementById(tagsFor);
    tagsFor = null;
    const input = row && $("input[data-tags-combobox]", row);
    if (input) input.focus();
  });

  function init() {
    enhanceAll(document);
    if (window.htmx) htmx.onLoad(enhanceAll);
    if (window.taskmanager) {
      window.taskmanager.keys["#"] = editTags;
      window.taskmanager.keys.l = editTags;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
