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
  // Whether any row of an inline has the field filled; null when the form has no such row
  // to read (read-only, or none yet): the server's verdict then stands.
  const anyRowHas = (prefix, name) => {
    const fields = Array.from(form.querySelectorAll(`[name^="${prefix}-"][name$="-${name}"]`))
      .filter((field) => !field.name.includes("__prefix__"));
    if (!fields.length) {
      return null;
    }
    return fields
      .filter((field) => {
        const remove = form.elements.namedItem(field.name.replace(new RegExp(`${name}$`), "DELETE"));
        return !(remove && remove.checked);
      })
      .some((field) => field.value.trim() !== "");
  };
  // Pictures added through the "+" popup arrive with their title only: their description is
  // asked of the autocomplete's endpoint by id, once (library/admin.py ImageChoices).
  const described = {};
  const describe = (select, id) => {
    described[id] = null;
    const query = new URLSearchParams({
      id,
      term: "",
      app_label: select.dataset.appLabel,
      model_name: select.dataset.modelName,
      field_name: select.dataset.fieldName,
    });
    fetch(`${select.getAttribute("data-ajax--url")}?${query}`, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then(({ results: [found] }) => {
        if (found) {
          described[id] = { alt_text: found.has_alt_text, credit: found.has_credit };
          update();
        }
      });
  };
  // The chosen lead image as the library describes it ({alt_text, credit}), null for none,
  // undefined when the field is not editable here. The stored picture's description comes
  // with the page, a newly chosen one's with the autocomplete's answer (library/admin.py).
  const chosenImage = () => {
    const select = form.elements.namedItem("lead_image");
    if (!select) {
      return undefined;
    }
    if (!select.value) {
      return null;
    }
    if (select.value === checklist.dataset.leadImage) {
      return {
        alt_text: checklist.dataset.libraryAltText === "true",
        credit: checklist.dataset.libraryCredit === "true",
      };
    }
    const $ = window.django && window.django.jQuery;
    const [choice] = $ && $(select).data("select2") ? $(select).select2("data") : [];
    if (choice && "has_alt_text" in choice) {
      return { alt_text: choice.has_alt_text, credit: choice.has_credit };
    }
    if (!(select.value in described)) {
      describe(select, select.value);
    }
    // Until the library answers, only the story's own words count.
    return described[select.value] || { alt_text: false, credit: false };
  };
  // The story's own alt text or credit, else the library's; without a lead image there is
  // nothing to check: "none", never "present".
  const imageNeeds = (key, override) => {
    const image = chosenImage();
    if (image === undefined) {
      return null;
    }
    return image === null ? "none" : filled(override) || image[key];
  };
  const checks = {
    headline: () => filled("headline"),
    dek: () => filled("dek"),
    section: () => filled("section"),
    byline: () => anyRowHas("bylines", "author"),
    source: () => anyRowHas("sources", "url"),
    body: () => filled("body"),
    lead_image_alt: () => imageNeeds("alt_text", "lead_image_alt"),
    lead_image_credit: () => imageNeeds("credit", "lead_image_credit"),
  };

  const update = () => {
    for (const item of checklist.querySelectorAll("[data-check]")) {
      const check = checks[item.dataset.check];
      const passed = check ? check() : null;
      if (passed === null) {
        continue;
      }
      const state = passed === "none" ? "none" : passed ? "pass" : "fail";
      for (const name of ["pass", "fail", "none"]) {
        item.classList.toggle(`desk-check--${name}`, name === state);
      }
      item.querySelector(".desk-check__mark").textContent = { pass: "✓", fail: "✗", none: "–" }[state];
      item.querySelector(".desk-check__result").textContent = {
        pass: "present",
        fail: "missing",
        none: "not needed: no lead image",
      }[state];
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
