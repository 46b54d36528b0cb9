/* Progressive enhancement of the response page: one question at a time with progress, and a
   character counter. Without this script the page shows every question and still works. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
  var submit = form.querySelector(".submit");
  Array.prototype.forEach.call(form.querySelectorAll("textarea[maxlength]"), function (area) {
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    var update = function () {
      counter.textContent = (area.maxLength - area.value.length) + " " + form.dataset.left;
    };
    area.addEventListener("input", update);
    area.parentNode.insertBefore(counter, area.nextSibling);
    update();
  });
  // Required questions are checked here before "Next" and before sending (the server checks again):
  // the error appears next to the question, as the server's would.
  function answered(q) {
    return Array.prototype.some.call(q.querySelectorAll("input, textarea"), function (field) {
      return field.tagName === "TEXTAREA" ? field.value.trim() !== "" : field.checked;
    });
  }
  function flag(q) {
    var id = "err-" + q.dataset.key;
    var error = document.getElementById(id);
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = id;
      var heading = q.querySelector("legend, label.question-text");
      heading.parentNode.insertBefore(error, heading.nextSibling);
    }
    error.textContent = form.dataset.requiredMessage;
    error.setAttribute("role", "alert");
    q.classList.add("has-error");
    var described = q.querySelector("fieldset, textarea");
    described.setAttribute("aria-invalid", "true");
    described.setAttribute("aria-describedby", id);
  }
  function unflag(q) {
    var error = document.getElementById("err-" + q.dataset.key);
    if (error) { error.parentNode.removeChild(error); }
    q.classList.remove("has-error");
    var described = q.querySelector("fieldset, textarea");
    described.removeAttribute("aria-invalid");
    described.removeAttribute("aria-describedby");
  }
  function complete(list) {
    var missing = list.filter(function (q) { return q.dataset.required === "true" && !answered(q); });
    list.forEach(function (q) { if (missing.indexOf(q) < 0 && q.classList.contains("has-error") && answered(q)) { unflag(q); } });
    missing.forEach(flag);
    if (missing.length) {
      var field = missing[0].querySelector("input, textarea");
      if (field) { field.focus(); }
    }
    return missing.length === 0;
  }
  questions.forEach(function (q) {
    q.addEventListener("change", function () { if (q.classList.contains("has-error") && answered(q)) { unflag(q); } });
  });
  var paged = false;
  var current = 0;
  form.addEventListener("submit", function (event) {
    if (!complete(paged ? [questions[current]] : questions)) { event.preventDefault(); }
  });
  if (questions.length < 2 || document.getElementById("error-summary")) {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    return;
  }
  paged = true;
  var bar = document.createElement("div");
  bar.className = "progress";
  bar.innerHTML = "<div></div>";
  var text = document.createElement("p");
  text.className = "progress-text";
  text.setAttribute("aria-live", "polite");
  form.insertBefore(text, form.firstChild);
  form.insertBefore(bar, form.firstChild);
  var back = document.createElement("button");
  back.type = "button";
  back.className = "secondary";
  back.textContent = form.dataset.back;
  var next = document.createElement("button");
  next.type = "button";
  next.textContent = form.dataset.next;
  submit.parentNode.insertBefore(back, submit);
  submit.parentNode.insertBefore(next, submit);
  function show(index) {
    current = index;
    questions.forEach(function (q, i) { q.hidden = i !== index; });
    back.hidden = index === 0;
    next.hidden = index === questions.length - 1;
    submit.hidden = index !== questions.length - 1;
    // Skip logic cuts a survey into pages: the count runs on from the pages before this one.
    var offset = parseInt(form.dataset.offset || "0", 10);
    var total = Math.max(parseInt(form.dataset.total || "0", 10), offset + questions.length);
    bar.firstChild.style.width = Math.round(100 * (offset + index + 1) / total) + "%";
    text.textContent = form.dataset.progress.replace("{i}", offset + index + 1).replace("{n}", total);
  }
  back.addEventListener("click", function () { show(Math.max(0, current - 1)); focusFirst(); });
  next.addEventListener("click", function () {
    if (!complete([questions[current]])) { return; }
    show(Math.min(questions.length - 1, current + 1));
    focusFirst();
  });
  function focusFirst() {
    var field = questions[current].querySelector("input, textarea");
    if (field) { field.focus(); }
  }
  show(0);
}());
