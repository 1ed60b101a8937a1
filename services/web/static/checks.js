// The monthly check pages: the «Печать» button prints the report; the form opening a check
// shows only the target (class or teacher) its scope needs. Without JavaScript both target
// selects stay visible and the server uses the one the scope names.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  for (const form of document.querySelectorAll("[data-scope-form]")) {
    const scope = form.querySelector("select[name=scope]");
    const show = () => {
      for (const field of form.querySelectorAll("[data-scope]")) {
        const used = field.dataset.scope === scope.value;
        field.hidden = !used;
        for (const control of field.querySelectorAll("select")) control.disabled = !used;
      }
    };
    scope.addEventListener("change", show);
    show();
  }
});
