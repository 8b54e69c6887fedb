// Import pages: a button marked data-once disables itself when its form is sent,
// so a double click cannot post the same upload twice (the server refuses a
// second import anyway; this just spares the user the message).
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-once]");
  if (button) {
    window.setTimeout(() => { button.disabled = true; }, 0);
  }
});
