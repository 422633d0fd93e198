// Small behaviours that need no framework. Loaded with defer; CSP forbids inline scripts.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const target = document.querySelector(button.dataset.copyTarget);
  if (!target || !navigator.clipboard) return;
  navigator.clipboard.writeText(target.textContent.trim()).then(() => {
    button.dataset.originalText ??= button.textContent;
    button.textContent = button.dataset.copiedText || "✓";
    setTimeout(() => { button.textContent = button.dataset.originalText; }, 1500);
  });
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
// Kanban: drag a card to a column; the move goes through the same service as the form.
document.addEventListener("dragstart", (event) => {
  const card = event.target.closest?.(".alur-kanban-card");
  if (card) event.dataTransfer.setData("text/plain", card.dataset.task);
});
document.addEventListener("dragover", (event) => {
  if (event.target.closest?.(".alur-kanban-column")) event.preventDefault();
});
document.addEventListener("drop", (event) => {
  const column = event.target.closest?.(".alur-kanban-column");
  const board = column?.closest("[data-move-url]");
  const taskId = event.dataTransfer.getData("text/plain");
  if (!column || !board || !taskId) return;
  event.preventDefault();
  const cards = [...column.querySelectorAll(".alur-kanban-card")].filter((c) => c.dataset.task !== taskId);
  const position = cards.filter((c) => c.getBoundingClientRect().top < event.clientY).length;
  const body = new URLSearchParams({ status: column.dataset.status, position: String(position) });
  const token = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  fetch(`${board.dataset.moveUrl}${taskId}/move/`, {
    method: "POST",
    headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" },
    body,
  }).then(async (response) => {
    if (response.ok) window.location.reload();
    else window.alert(await response.text());
  });
});
