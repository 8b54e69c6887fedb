// Import pages: a button marked data-once disables itself when its form is sent,
// so a double click cannot post the same upload twice (the server refuses a
// second import anyway; this just spares the user the message).
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-once]");
  if (button) {
    window.setTimeout(() => { button.disabled = true; }, 0);
  }
});

// The Import button waits until the ticked options let every row in (the
// server decides the same in checks.refusal and refuses otherwise): "partial",
// or no row that only a fixed file saves and every option the rows need.
document.querySelectorAll("form[data-import-gate]").forEach((form) => {
  const button = form.querySelector("button[type=submit]");
  const note = form.querySelector("#import-blocked");
  const needs = form.dataset.needs.split(" ").filter(Boolean);
  const unfixable = Number(form.dataset.unfixable);
  const ticked = (name) => Boolean(form.elements[name] && form.elements[name].checked);
  const update = () => {
    const ok = ticked("partial") || (unfixable === 0 && needs.every(ticked));
    button.disabled = !ok;
    if (note) note.hidden = ok;
  };
  form.addEventListener("change", update);
  update();
});
