// Every htmx request carries the session's CSRF token (the server refuses unsafe requests
// without it). The sign-in page also proposes the role of the chosen person.
"use strict";
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) event.detail.headers["X-CSRF-Token"] = meta.content;
});
document.addEventListener("DOMContentLoaded", () => {
  const person = document.getElementById("staff_id");
  const role = document.getElementById("role");
  if (person && role) {
    person.addEventListener("change", () => {
      const chosen = person.selectedOptions[0];
      if (chosen && chosen.dataset.role) role.value = chosen.dataset.role;
    });
  }
});
