"use strict";
// Library images in the lead image's autocomplete show their thumbnail beside their title
// (library/admin.py ImageChoices adds `thumbnail`); other autocompletes keep plain text.
{
  const $ = django.jQuery;
  const withThumbnail = (choice) => {
    if (!choice.thumbnail) {
      return choice.text;
    }
    const row = document.createElement("span");
    row.className = "library-choice";
    const picture = document.createElement("img");
    picture.src = choice.thumbnail;
    picture.alt = "";
    picture.width = 48;
    picture.height = 48;
    row.append(picture, document.createTextNode(choice.text));
    return $(row);
  };
  $.fn.select2.defaults.set("templateResult", withThumbnail);
  $.fn.select2.defaults.set("templateSelection", withThumbnail);

  // select2 gives the box that shows the choice a textbox role and no name: name it by the
  // field's label, once Django's autocomplete.js (loaded after this file) has set select2 up
  // in its own ready handler: a timeout from ours runs after every ready handler.
  $(() => setTimeout(() => {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const label = document.querySelector(`label[for="${select.id}"]`);
      const shown = document.getElementById(`select2-${select.id}-container`);
      if (label && shown) {
        label.id ||= `${select.id}-label`;
        shown.setAttribute("aria-labelledby", label.id);
      }
    }
  }));
}
