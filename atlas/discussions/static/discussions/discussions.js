// Reply in place: "Reply" moves the comment form under the comment, no page load needed.
// Without this file, "Reply" opens a page with the same form.
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form) return;
  var home = form.parentNode;
  var placeholder = document.createComment("comment form");
  home.insertBefore(placeholder, form);
  var parentField = form.querySelector("input[name=parent]");
  var label = form.querySelector(".comment-form-label");
  var textarea = form.querySelector("textarea");
  var originalLabel = label.textContent;
  var cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary";
  cancel.textContent = "Cancel";
  cancel.hidden = true;
  form.querySelector(".comment-form-buttons").appendChild(cancel);

  function restore() {
    home.insertBefore(form, placeholder.nextSibling);
    parentField.value = "";
    label.textContent = originalLabel;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reply-to]");
    if (!link) return;
    event.preventDefault();
    link.closest("article").after(form);
    parentField.value = link.getAttribute("data-reply-to");
    label.textContent = "Reply to " + link.getAttribute("data-reply-name");
    cancel.hidden = false;
    textarea.focus();
  });
  cancel.addEventListener("click", function () {
    restore();
    textarea.focus();
  });
})();
