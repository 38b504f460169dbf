"use strict";
// select2 gives the box that shows an autocomplete's choice a textbox role and no name
// (axe, WCAG 2.1 AA): name it by the field's label. Django's autocomplete.js sets select2 up
// in its own ready handler, and on a new inline row in its own formset:added handler: a
// timeout from ours runs after both.
{
  const nameBoxes = () => {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const [label] = select.labels;
      const shown = document.getElementById(`select2-${select.id}-container`);
      if (label && shown) {
        label.id ||= `${select.id}-label`;
        shown.setAttribute("aria-labelledby", label.id);
      }
    }
  };
  django.jQuery(() => setTimeout(nameBoxes));
  document.addEventListener("formset:added", () => setTimeout(nameBoxes));
}
