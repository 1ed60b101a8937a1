// «Проверка целостности»: while the verification runs (up to a minute), say so and keep the
// button from sending it twice. Without script the form works the same, silently.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("verify-form");
  const result = document.getElementById("verify-result");
  if (!form || !result) return;
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    result.textContent = "Идёт проверка…";
    // Disabled after the submit event: the browser has already taken the form's data.
    setTimeout(() => { if (button) button.disabled = true; }, 0);
  });
});
