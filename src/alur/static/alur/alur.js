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

// ---- Media library (media helper) ----------------------------------------------------------------
// Upload progress: htmx reports the upload's bytes on the form that sent it (htmx:xhr:progress).
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target.closest?.("[data-upload-progress]");
  const bar = form?.querySelector("progress");
  if (!bar || !event.detail.lengthComputable || !event.detail.total) return;
  bar.hidden = false;
  bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.target.closest?.("[data-upload-progress]");
  if (!form || event.target !== form) return;
  const bar = form.querySelector("progress");
  if (bar) { bar.hidden = true; bar.value = 0; }
  if (event.detail.successful) form.querySelectorAll("input[type=file]").forEach((input) => { input.value = ""; });
});

// ---- Comments (collab helper) --------------------------------------------------------------------
// The mention picker: choosing a member from its datalist adds "@email " to the comment box.
document.addEventListener("input", (event) => {
  const picker = event.target.closest?.("input[data-mention-target]");
  if (!picker || !picker.list) return;
  const chosen = [...picker.list.options].some((option) => option.value === picker.value);
  const box = chosen ? document.querySelector(picker.dataset.mentionTarget) : null;
  if (!box) return;
  const before = box.value && !/\s$/.test(box.value) ? " " : "";
  box.value = `${box.value}${before}${picker.value} `;
  picker.value = "";
  box.focus();
});

// ---- Content calendar: drag a post to another day; the move goes through the reschedule service ----
document.addEventListener("dragstart", (event) => {
  const chip = event.target.closest?.(".alur-chip[data-item-id]");
  if (chip) event.dataTransfer.setData("text/alur-item", chip.dataset.itemId);
});
document.addEventListener("dragover", (event) => {
  const day = event.target.closest?.(".alur-calendar-day");
  if (day && event.dataTransfer.types.includes("text/alur-item")) {
    event.preventDefault();
    day.classList.add("alur-drop");
  }
});
document.addEventListener("dragleave", (event) => {
  event.target.closest?.(".alur-calendar-day")?.classList.remove("alur-drop");
});
document.addEventListener("drop", (event) => {
  const day = event.target.closest?.(".alur-calendar-day");
  const grid = day?.closest("[data-move-url]");
  const itemId = event.dataTransfer.getData("text/alur-item");
  if (!day || !grid || !itemId) return;
  event.preventDefault();
  day.classList.remove("alur-drop");
  const chip = grid.querySelector(`.alur-chip[data-item-id="${itemId}"]`);
  const token = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const box = document.getElementById("calendar-message");
  fetch(`${grid.dataset.moveUrl}${itemId}/move/`, {
    method: "POST",
    headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" },
    body: new URLSearchParams({ date: day.dataset.date }),
  }).then(async (response) => {
    const answer = await response.json().catch(() => ({ message: response.statusText }));
    if (box) {
      box.textContent = answer.message || "";
      box.className = `alert ${response.ok ? "alert-success" : "alert-danger"}`;
    }
    if (response.ok && chip) day.appendChild(chip);
  });
});
