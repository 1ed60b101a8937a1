// The lesson page with the keyboard only: arrows move between the grid's cells, a digit sets
// a mark, a letter sets attendance (Russian letters, or the same keys in the Latin layout),
// З or Н chooses «зач» or «незач» in a pass/fail subject's cell (a list of its values),
// Backspace/Delete clear, Enter or Ctrl+Enter saves. The save posts the form to the web's
// JSON route (one whole-class save under the form's idempotency key) and shows its state in
// the aria-live line; after a save the page's data is reloaded in place. Without this script
// the form still posts and the page answers with the result.
"use strict";
(() => {
  const LETTERS = { "н": "Н", "б": "Б", "у": "У", "п": "П", "о": "ОП" };
  const CODES = { KeyY: "Н", Comma: "Б", KeyE: "У", KeyG: "П", KeyJ: "ОП" };
  const PASS_FAIL = { "з": "зач", "н": "незач" };
  const PASS_FAIL_CODES = { KeyP: "зач", KeyY: "незач" }; // З and Н in the Latin layout
  const STATE = {
    dirty: "Есть несохранённые изменения.",
    saving: "Сохраняется…",
    saved: "Сохранено.",
    behind: "Сохранено. Журнал ещё обновляется: обновите страницу через несколько секунд.",
    duplicate: "Сохранено (эта форма уже была сохранена: ничего нового не записано).",
    partial: "Сохранено не всё: причина — рядом с полем.",
    refused: "Не сохранено: ничего не записано, причина — рядом с полем.",
    offline: "Не сохранено: нет связи с сервером. Повторите сохранение — повтор ничего не задвоит.",
  };
  let saving = false;
  let dirty = false;

  const form = () => document.getElementById("lesson-form");
  const stateLine = () => document.getElementById("save-state");

  function setState(name, extra) {
    const line = stateLine();
    if (!line) return;
    line.dataset.state = name;
    line.textContent = STATE[name] + (extra ? " " + extra : "");
  }

  function letterOf(event) {
    const key = (event.key || "").toLowerCase();
    if (LETTERS[key]) return LETTERS[key];
    return CODES[event.code] || null;
  }

  function cellAt(row, col) {
    return form().querySelector(`[data-r="${row}"][data-c="${col}"]`);
  }

  function move(cell, dRow, dCol) {
    const row = Number(cell.dataset.r) + dRow;
    const col = Number(cell.dataset.c) + dCol;
    const next = cellAt(row, col);
    if (next) {
      next.focus();
      if (next.select) next.select();
    }
  }

  function setCell(cell, value) {
    cell.value = value;
    changed(cell);
  }

  function changed(field) {
    if (field && field.type !== "hidden") {
      field.classList.toggle("dirty", field.value !== field.defaultValue);
    }
    if (!dirty) {
      dirty = true;
      setState("dirty");
    }
  }

  const ARROWS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  function onGridKey(event, cell) {
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
    if (ARROWS[event.key] && plain && !event.shiftKey) {
      event.preventDefault();
      move(cell, ...ARROWS[event.key]);
    } else if (event.key === "Backspace" || event.key === "Delete") {
      event.preventDefault();
      setCell(cell, "");
    } else if (cell.tagName === "SELECT") {
      const value = PASS_FAIL[(event.key || "").toLowerCase()] || PASS_FAIL_CODES[event.code];
      if (!plain || !value) return; // other keys: the list's own choosing by its labels
      event.preventDefault();
      setCell(cell, value);
    } else if (cell.classList.contains("att")) {
      if (!plain || event.key.length !== 1) return;
      event.preventDefault(); // only the school's letters go in an attendance cell
      const letter = letterOf(event);
      if (letter) setCell(cell, letter);
    } else if (plain && /^[0-9]$/.test(event.key)) {
      event.preventDefault();
      setCell(cell, event.key);
    }
  }

  // A letter that arrives without a usable keydown (a phone's keyboard, pasted text).
  function onAttendanceInput(cell) {
    const text = cell.value.trim().toLowerCase();
    const letter = text === "оп" ? "ОП" : LETTERS[text.slice(-1)] || "";
    cell.value = letter;
    changed(cell);
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || !form() || !form().contains(target)) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey || target.tagName !== "TEXTAREA")) {
      if (target.tagName === "BUTTON" || target.type === "file" || target.tagName === "A") return;
      event.preventDefault();
      save();
      return;
    }
    if (target.matches("input.mark, input.att, select.mark")) onGridKey(event, target);
  });

  document.addEventListener("input", (event) => {
    const target = event.target;
    if (!form() || !form().contains(target)) return;
    if (target.matches("input.att")) onAttendanceInput(target);
    else changed(target);
  });

  document.addEventListener("change", (event) => {
    if (form() && form().contains(event.target) && event.target.matches("select, input[type=checkbox], input[type=file]")) {
      changed(event.target);
    }
  });

  document.addEventListener("submit", (event) => {
    if (event.target === form()) {
      event.preventDefault();
      save();
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (dirty && !saving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function showErrors(errors) {
    for (const slot of form().querySelectorAll(".field-error")) slot.textContent = "";
    for (const field of form().querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
    let first = null;
    for (const [name, text] of Object.entries(errors || {})) {
      const slot = document.getElementById("err-" + name);
      if (slot) slot.textContent = text;
      const field = document.getElementById(name) || (name === "files" ? document.getElementById("hw_files") : null);
      if (field) {
        field.setAttribute("aria-invalid", "true");
        first = first || field;
      }
    }
    return first;
  }

  // A text for the diary named a pupil: the journal saved it, the diary gets «[ученик]».
  // The line (a live region outside the redrawn body) says so, with a link to each field.
  function showWarning(data) {
    const box = document.getElementById("diary-warning");
    if (!box) return;
    box.textContent = "";
    if (!data || !data.warning) return;
    const line = document.createElement("p");
    line.className = "notice";
    const strong = document.createElement("strong");
    strong.textContent = data.warning;
    line.append(strong, " Где: ");
    (data.named || []).forEach((place, index) => {
      if (index) line.append(", ");
      if (place.field_id) {
        const link = document.createElement("a");
        link.href = "#" + place.field_id;
        link.textContent = place.label;
        line.append(link);
      } else {
        line.append(place.label);
      }
    });
    line.append(".");
    box.append(line);
  }

  async function reloadBody(focusName) {
    const answer = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!answer.ok) return;
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    for (const id of ["lesson-head", "lesson-body"]) {
      const fresh = page.getElementById(id);
      const current = document.getElementById(id);
      if (fresh && current) current.replaceWith(document.importNode(fresh, true));
    }
    const target = (focusName && document.getElementById(focusName)) || cellAt(0, 0);
    if (target) target.focus();
  }

  async function save() {
    const theForm = form();
    if (!theForm || saving) return; // a second press while saving would send the same key
    saving = true;
    setState("saving");
    theForm.setAttribute("aria-busy", "true");
    const focused = document.activeElement && document.activeElement.id;
    const csrf = document.querySelector('meta[name="csrf-token"]');
    let answer;
    let data;
    try {
      answer = await fetch(theForm.dataset.saveUrl, {
        method: "POST",
        body: new FormData(theForm),
        headers: { Accept: "application/json", "X-CSRF-Token": csrf ? csrf.content : "" },
        credentials: "same-origin",
      });
      data = await answer.json();
    } catch (error) {
      saving = false;
      theForm.removeAttribute("aria-busy");
      setState("offline"); // the key stays: the retry is the same request
      return;
    }
    saving = false;
    theForm.removeAttribute("aria-busy");
    if (data.saved) {
      dirty = false;
      await reloadBody(focused);
      showErrors(data.errors);
      const partial = data.errors && Object.keys(data.errors).length > 0;
      setState(partial ? "partial" : !data.shown ? "behind" : data.duplicate ? "duplicate" : "saved");
      showWarning(data);
      return;
    }
    if (data.key) theForm.querySelector('input[name="key"]').value = data.key;
    showWarning(null);
    const first = showErrors(data.errors);
    const general = (data.errors || {})._form;
    setState(answer.status === 503 ? "offline" : "refused", general || "");
    if (first && first !== document.activeElement) first.focus();
  }
})();
