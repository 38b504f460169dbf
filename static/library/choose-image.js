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
}
