// The body editor (articles/editor.py): switches on the toolbar and the side-by-side preview,
// and keeps the preview, word count and reading time in step with the text. The preview is
// the server's own rendering, the HTML readers will get; nothing here renders Markdown.
"use strict";

const PAUSE_MS = 300;

const startEditor = (editor) => {
  const textarea = editor.querySelector("textarea");
  const preview = editor.querySelector("[data-body-preview]");
  const statistics = editor.querySelector("[data-body-statistics]");
  const token = textarea.form && textarea.form.elements.namedItem("csrfmiddlewaretoken");
  if (!textarea || !preview || !token) {
    return;
  }
  editor.querySelectorAll("[hidden]").forEach((part) => part.removeAttribute("hidden"));
  editor.classList.add("body-editor--live");

  let latest = 0;
  let timer = null;
  const refresh = async () => {
    const asked = ++latest;
    const body = new FormData();
    body.append("body", textarea.value);
    try {
      const response = await fetch(editor.dataset.previewUrl, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": token.value },
        credentials: "same-origin",
      });
      if (!response.ok) {
        throw new Error(`preview answered ${response.status}`);
      }
      const rendered = await response.json();
      if (asked !== latest) {
        return; // A newer keystroke's preview is on its way.
      }
      // Sanitised by the server exactly as readers' pages are.
      preview.innerHTML = rendered.html;
      const words = `${rendered.words} word${rendered.words === 1 ? "" : "s"}`;
      statistics.textContent = `${words} · ${rendered.minutes} min read`;
      editor.classList.remove("body-editor--stale");
    } catch (error) {
      if (asked === latest) {
        editor.classList.add("body-editor--stale");
        statistics.textContent = "Preview unavailable: your text is safe, keep typing.";
      }
    }
  };
  textarea.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, PAUSE_MS);
  });
  refresh();
};

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-body-editor]").forEach(startEditor);
});
