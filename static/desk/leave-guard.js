// Asks before leaving the article form with edits not yet saved. Every button of the form
// (save, a move, a preview link) saves the edits, so submitting never asks.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("article_form");
  if (!form) {
    return;
  }
  let hasEdits = false;
  let isSubmitting = false;
  const noteEdit = () => {
    hasEdits = true;
  };
  form.addEventListener("input", noteEdit);
  form.addEventListener("change", noteEdit);
  form.addEventListener("submit", () => {
    isSubmitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (hasEdits && !isSubmitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
