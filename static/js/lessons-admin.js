// Lesson change form: "Preview without saving" renders the body textarea on the server (the same
// sanitizing renderer as on save) and shows it in the preview box. Nothing is stored.
document.addEventListener("DOMContentLoaded", () => {
  const preview = document.getElementById("lesson-preview");
  const body = document.getElementById("id_body");
  const form = body && body.form;
  if (!preview || !form || !preview.dataset.previewUrl) return;

  const button = document.createElement("button");
  button.type = "button";
  button.className = "button lesson-preview-button";
  button.textContent = "Preview without saving";
  const status = document.createElement("span");
  status.className = "lesson-preview-status";
  status.setAttribute("role", "status");
  const controls = document.createElement("p");
  controls.className = "lesson-preview-controls";
  controls.append(button, status);
  preview.insertAdjacentElement("beforebegin", controls);

  button.addEventListener("click", async () => {
    const data = new FormData();
    data.append("body", body.value);
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    status.textContent = "Rendering…";
    try {
      const response = await fetch(preview.dataset.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(response.statusText);
      // Server-rendered and sanitized by nh3, the same HTML the lesson page would show.
      preview.innerHTML = await response.text();
      status.textContent = "Preview updated (not saved).";
      preview.scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (error) {
      status.textContent = `Preview failed: ${error.message}`;
    }
  });
});
