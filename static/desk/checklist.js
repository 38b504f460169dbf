// Keeps the article change form's publish checklist true while the editor types. The server
// runs the same checks again when a story is approved, scheduled or published.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("article_form");
  const checklist = document.querySelector("[data-publish-checklist]");
  if (!form || !checklist) {
    return;
  }

  // null when the field is not editable here: the server's verdict then stands.
  const filled = (name) => {
    const field = form.elements.namedItem(name);
    return field && "value" in field ? field.value.trim() !== "" : null;
  };
  const inlineValues = (prefix, name) =>
    Array.from(form.querySelectorAll(`[name^="${prefix}-"][name$="-${name}"]`))
      .filter((field) => !field.name.includes("__prefix__"))
      .filter((field) => {
        const remove = form.elements.namedItem(field.name.replace(new RegExp(`${name}$`), "DELETE"));
        return !(remove && remove.checked);
      })
      .map((field) => field.value.trim());
  const hasLeadImage = () => {
    const upload = form.elements.namedItem("lead_image");
    const clear = form.elements.namedItem("lead_image-clear");
    if (upload && upload.files && upload.files.length) {
      return true;
    }
    return checklist.dataset.hasLeadImage === "true" && !(clear && clear.checked);
  };
  const imageNeeds = (name) => (hasLeadImage() ? filled(name) : true);
  const checks = {
    headline: () => filled("headline"),
    dek: () => filled("dek"),
    section: () => filled("section"),
    byline: () => inlineValues("bylines", "author").some(Boolean),
    source: () => inlineValues("sources", "url").some(Boolean),
    body: () => filled("body"),
    lead_image_alt: () => imageNeeds("lead_image_alt"),
    lead_image_credit: () => imageNeeds("lead_image_credit"),
  };

  const update = () => {
    for (const item of checklist.querySelectorAll("[data-check]")) {
      const check = checks[item.dataset.check];
      const passed = check ? check() : null;
      if (passed === null) {
        continue;
      }
      item.classList.toggle("desk-check--pass", passed);
      item.classList.toggle("desk-check--fail", !passed);
      item.querySelector(".desk-check__mark").textContent = passed ? "✓" : "✗";
      item.querySelector(".desk-check__result").textContent = passed ? "present" : "missing";
    }
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  document.addEventListener("formset:added", update);
  document.addEventListener("formset:removed", update);
  // The section and byline pickers are select2 widgets, which announce changes via jQuery.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(form).on("change", update);
  }
  update();

  // The schedule button always names the time it will schedule for.
  const scheduleAt = form.elements.namedItem("schedule_at");
  const scheduleButton = form.querySelector("[data-schedule-button]");
  if (scheduleAt && scheduleButton) {
    const zone = scheduleButton.dataset.timezone;
    scheduleAt.addEventListener("input", () => {
      scheduleButton.textContent = scheduleAt.value
        ? `Schedule for ${scheduleAt.value.replace("T", " ")} ${zone}`
        : `Schedule for the time above (${zone})`;
    });
  }
});
