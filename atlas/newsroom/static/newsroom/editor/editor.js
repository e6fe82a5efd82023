// The writing desk: autosave, live preview, images, presence, edit conflicts and Publish.
// Everything here calls the same server endpoints a plain form would; without this script the
// page is a form with Save, Preview and Publish buttons.
import { checkFile, enhanceChips, enhanceToolbar, replaceSelection, uploadFile } from "./text.js";

const AUTOSAVE_AFTER_MS = 2000;
const PREVIEW_AFTER_MS = 500;
const HEARTBEAT_MS = 15000;

const config = JSON.parse(document.getElementById("editor-data").textContent);
const form = document.getElementById("post-form");
const area = document.getElementById("id_body");
const saveState = document.getElementById("save-state");
const presence = document.getElementById("presence");
const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
const byId = (id) => document.getElementById(id);

let urls = config.urls;
let postId = config.id;
let version = config.version;
let edits = 0; // changes typed so far
let savedEdits = 0; // changes the server has
let saving = null;
let again = false;
let conflictOpen = false;
let autosaveTimer;

// Saving -----------------------------------------------------------------------------------------

const backupKey = () => `atlas-editor:${postId ?? "new"}`;
const words = () => ({ title: form.title.value, subtitle: form.subtitle.value, body: area.value });

function showState(text) {
  saveState.textContent = text;
}

function formData(extra = {}) {
  const data = new FormData(form);
  data.delete("feature_image"); // uploaded on its own, with progress
  data.delete("action");
  if (version !== null) data.set("base_version", String(version));
  data.set("tab", config.tab);
  for (const [name, value] of Object.entries(extra)) data.set(name, value);
  return data;
}

function adopt(answer) {
  version = answer.version;
  form.base_version.value = String(version);
  if (postId === null && answer.id) {
    localStorage.removeItem(backupKey());
    postId = answer.id;
    urls = answer.urls;
    form.action = urls.save;
    const publishForm = byId("publish-form");
    if (publishForm) publishForm.action = urls.publish;
    history.replaceState(null, "", urls.edit);
    startHeartbeat();
  }
  if (answer.others) showOthers(answer.others);
  byId("post-status").textContent = answer.status_label;
}

async function save({ explicit = false, resolve = "" } = {}) {
  if (!config.autosave && !explicit) return keepBackup();
  if (conflictOpen && !resolve) return;
  if (saving) {
    again = true;
    return saving;
  }
  const sentEdits = edits;
  showState("Saving…");
  const extra = explicit ? { explicit: "1" } : {};
  if (resolve) extra.resolve = resolve;
  saving = (async () => {
    let response;
    try {
      response = await fetch(urls.autosave, {
        method: "POST",
        body: formData(extra),
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        keepalive: area.value.length < 50000,
      });
    } catch {
      keepBackup();
      showState("Not saved: no connection. Your text is kept in this browser; retrying…");
      setTimeout(() => save({ explicit }), 5000);
      return;
    }
    const answer = await readAnswer(response);
    if (answer.ok) {
      adopt(answer);
      savedEdits = sentEdits;
      if (resolve === "theirs") loadWords(answer);
      if (edits === savedEdits) localStorage.removeItem(backupKey());
      showState(`Saved ${answer.saved_at}`);
      if (answer.image_error) byId("feature-status").textContent = answer.image_error;
      refreshEmail();
    } else if (answer.conflict) {
      showConflict(answer);
    } else if (response.status === 503) {
      // The database is busy or down for a moment: the text stays here and is sent again.
      keepBackup();
      showState(`Not saved: ${answer.error || "the server is busy"} Your text is kept in this browser; retrying…`);
      setTimeout(() => save({ explicit }), 1000 * (answer.retry_after || 5));
    } else {
      keepBackup();
      const errors = answer.errors
        ? Object.values(answer.errors).flat().map((error) => error.message).join(" ")
        : answer.error;
      showState(`Not saved: ${errors}`);
    }
  })();
  try {
    await saving;
  } finally {
    saving = null;
  }
  if (again && edits !== savedEdits) {
    again = false;
    return save();
  }
  again = false;
}

async function readAnswer(response) {
  if (!(response.headers.get("Content-Type") || "").includes("json")) {
    const why = response.redirected || response.status === 403
      ? "you seem to be signed out. Sign in again in another tab, then save"
      : `the server answered ${response.status}`;
    return { ok: false, error: `${why}. Your text is kept in this browser.` };
  }
  return response.json();
}

function keepBackup() {
  if (edits === savedEdits) return;
  localStorage.setItem(backupKey(), JSON.stringify({ ...words(), version, at: Date.now() }));
  if (!config.autosave) showState("Unsaved changes: press Update to publish them");
}

function changed() {
  edits += 1;
  showState("Unsaved changes");
  clearTimeout(autosaveTimer);
  autosaveTimer = setTimeout(() => save(), AUTOSAVE_AFTER_MS);
  if (!config.autosave) keepBackup();
  schedulePreview();
  countWords();
}

form.addEventListener("input", (event) => {
  if (event.target.form === form || event.target.closest("#post-form")) changed();
});
form.addEventListener("change", (event) => {
  if (event.target.type === "radio" || event.target.type === "checkbox" || event.target.tagName === "SELECT") changed();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden" && edits !== savedEdits) save();
});
window.addEventListener("pagehide", () => {
  if (edits !== savedEdits) save();
  if (postId !== null) {
    const data = new FormData();
    data.set("left", "1");
    data.set("tab", config.tab);
    data.set("csrfmiddlewaretoken", csrf);
    navigator.sendBeacon(urls.presence, data);
  }
});
window.addEventListener("beforeunload", (event) => {
  if (!config.autosave && edits !== savedEdits) event.preventDefault();
});
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
    event.preventDefault();
    explicitSave();
  }
});
byId("save-button").addEventListener("click", (event) => {
  event.preventDefault();
  explicitSave();
});

async function explicitSave() {
  clearTimeout(autosaveTimer);
  await save({ explicit: true });
  if (!config.autosave && edits === savedEdits) location.reload(); // a published post: show it
}

// A backup left in this browser (a published post's unsaved edits, or an offline moment).
(function offerBackup() {
  const backup = JSON.parse(localStorage.getItem(backupKey()) || "null");
  if (!backup) return;
  const current = words();
  if (backup.title === current.title && backup.subtitle === current.subtitle && backup.body === current.body) {
    return localStorage.removeItem(backupKey());
  }
  const note = document.createElement("div");
  note.className = "ed-problems";
  note.setAttribute("role", "alert");
  const time = new Date(backup.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  note.innerHTML = `<p>This browser kept changes from ${time} that were not saved.</p>`;
  const restore = Object.assign(document.createElement("button"), { type: "button", className: "nr-button nr-primary", textContent: "Restore them" });
  const discard = Object.assign(document.createElement("button"), { type: "button", className: "nr-button", textContent: "Discard them" });
  restore.addEventListener("click", () => {
    loadWords(backup);
    note.remove();
    changed();
  });
  discard.addEventListener("click", () => {
    localStorage.removeItem(backupKey());
    note.remove();
  });
  note.append(restore, " ", discard);
  form.querySelector(".ed-columns").before(note);
})();

function loadWords(source) {
  form.title.value = source.title;
  form.subtitle.value = source.subtitle;
  area.value = source.body;
  grow(form.title);
  grow(form.subtitle);
}

// Two editors on one post ------------------------------------------------------------------------

function showOthers(others) {
  presence.textContent = others.length ? `Also open: ${others.join(", ")}` : "";
}

function showConflict(answer) {
  conflictOpen = true;
  keepBackup();
  showState(`Not saved: someone else saved at ${answer.theirs.saved_at}`);
  showOthers(answer.others || []);
  byId("conflict-diff").innerHTML = answer.diff; // escaped by the server (difflib)
  const dialog = byId("conflict-dialog");
  dialog.dataset.theirs = String(answer.theirs.version);
  dialog.showModal();
}

byId("conflict-dialog").addEventListener("click", async (event) => {
  const button = event.target.closest("[data-resolve]");
  if (!button) return;
  const dialog = byId("conflict-dialog");
  dialog.close();
  conflictOpen = false;
  // Either way the version not kept goes to the revisions (on the server).
  await save({ explicit: true, resolve: button.dataset.resolve });
});

let heartbeat;
function startHeartbeat() {
  if (heartbeat || postId === null) return;
  const beat = async () => {
    const data = new FormData();
    data.set("csrfmiddlewaretoken", csrf);
    data.set("tab", config.tab);
    const response = await fetch(urls.presence, { method: "POST", body: data }).catch(() => null);
    if (!response || !response.ok) return;
    const answer = await response.json();
    showOthers(answer.others);
    if (answer.version > version && edits === savedEdits && !conflictOpen) {
      showState(`A newer version was saved at ${answer.saved_at}: reload to see it`);
    }
  };
  beat();
  heartbeat = setInterval(beat, HEARTBEAT_MS);
}
startHeartbeat();

// Live preview -------------------------------------------------------------------------------------

const pane = byId("preview-pane");
const frame = byId("preview-frame");
let view = "article";
let previewTimer;

function setView(next) {
  view = next;
  const open = next !== "write";
  pane.hidden = !open;
  document.body.classList.toggle("ed-previewing", open);
  for (const tab of pane.querySelectorAll("[role=tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === next));
  }
  frame.classList.toggle("ed-phone", next === "phone");
  frame.classList.toggle("ed-email", next === "email");
  byId("preview-button").setAttribute("aria-expanded", String(open));
  if (next === "article") refreshPreview();
  else if (open) refreshEmail();
  grow(form.title);
  grow(form.subtitle);
}

function schedulePreview() {
  if (pane.hidden) return;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(view === "article" ? refreshPreview : refreshEmail, PREVIEW_AFTER_MS);
}

async function refreshPreview() {
  if (postId === null) {
    await save();
    if (postId === null) return;
  }
  const response = await fetch(urls.preview, {
    method: "POST",
    body: formData(),
    headers: { "X-CSRFToken": csrf },
  }).catch(() => null);
  if (!response || !response.ok) return;
  const html = await response.text();
  const scroll = frame.contentWindow ? frame.contentWindow.scrollY : 0;
  frame.title = "Preview of the article";
  frame.addEventListener("load", () => frame.contentWindow.scrollTo(0, scroll), { once: true });
  frame.removeAttribute("src");
  frame.srcdoc = html;
}

// The email is its own page (its inline styles have their own policy): the unsaved form is
// posted into the frame rather than written into it.
const emailForm = document.createElement("form");
emailForm.method = "post";
emailForm.target = frame.name;
emailForm.hidden = true;
document.body.append(emailForm);

function refreshEmail() {
  if (pane.hidden || view === "article" || postId === null) return;
  frame.removeAttribute("srcdoc");
  frame.title = view === "phone" ? "Preview of the email on a phone" : "Preview of the email";
  emailForm.action = `${urls.email_preview}?version=${version}`;
  emailForm.replaceChildren();
  for (const [name, value] of formData()) {
    if (typeof value !== "string") continue;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    emailForm.append(input);
  }
  emailForm.submit();
}

byId("preview-button").addEventListener("click", (event) => {
  event.preventDefault();
  setView(pane.hidden ? "article" : "write");
});
pane.addEventListener("click", (event) => {
  const tab = event.target.closest("[data-view]");
  if (tab) setView(tab.dataset.view);
});

// Images -------------------------------------------------------------------------------------------

const uploadStatus = byId("upload-status");

async function insertImages(files) {
  for (const file of files) {
    const problem = checkFile(file, config.max_image_bytes, config.max_image_mb);
    if (problem) {
      uploadStatus.textContent = problem;
      continue;
    }
    const marker = `![Uploading ${file.name.replace(/[[\]]/g, "")}…]()`;
    const before = area.value.slice(0, area.selectionStart);
    const gap = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const placed = `${gap}${marker}\n\n`;
    replaceSelection(area, placed);
    const answer = await uploadFile(urls.upload, file, csrf, (percent) => {
      uploadStatus.textContent = `Uploading ${file.name}: ${percent}%`;
    });
    if (!answer.ok) {
      const at = area.value.indexOf(placed);
      if (at >= 0) area.setRangeText("", at, at + placed.length, "preserve");
      uploadStatus.textContent = answer.error;
      changed();
      continue;
    }
    uploadStatus.textContent = `Uploaded ${file.name}. Describe it for readers who cannot see it.`;
    const details = await askImageDetails(file.name);
    const title = [details.caption, details.credit].filter(Boolean).join(" · ").replace(/"/g, "”");
    const markdown = `![${details.alt.replace(/[[\]]/g, "")}](${answer.url}${title ? ` "${title}"` : ""})`;
    const position = area.value.indexOf(marker);
    if (position >= 0) {
      area.setRangeText(markdown, position, position + marker.length, "end");
    } else {
      replaceSelection(area, markdown);
    }
    uploadStatus.textContent = details.alt
      ? `Inserted ${file.name}.`
      : `Inserted ${file.name} without a description: add one between the brackets before publishing.`;
    changed();
  }
}

function askImageDetails(name) {
  const dialog = byId("image-dialog");
  byId("image-dialog-name").textContent = name;
  for (const field of dialog.querySelectorAll("input, textarea")) field.value = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => resolve({
        alt: byId("image-alt").value.trim(),
        caption: byId("image-caption").value.trim(),
        credit: byId("image-credit").value.trim(),
      }),
      { once: true }
    );
  });
}

const picker = Object.assign(document.createElement("input"), { type: "file", accept: "image/*", multiple: true, hidden: true });
picker.addEventListener("change", () => insertImages([...picker.files]).then(() => (picker.value = "")));
document.body.append(picker);

area.addEventListener("dragover", (event) => {
  if (event.dataTransfer.types.includes("Files")) {
    event.preventDefault();
    area.classList.add("ed-dropping");
  }
});
area.addEventListener("dragleave", () => area.classList.remove("ed-dropping"));
area.addEventListener("drop", (event) => {
  area.classList.remove("ed-dropping");
  if (!event.dataTransfer.files.length) return;
  event.preventDefault();
  insertImages([...event.dataTransfer.files]);
});
area.addEventListener("paste", (event) => {
  const files = [...event.clipboardData.files];
  if (files.length) {
    event.preventDefault();
    insertImages(files);
  }
});

const featureInput = form.feature_image;
const featureStatus = byId("feature-status");
async function uploadFeature(file) {
  const problem = checkFile(file, config.max_image_bytes, config.max_image_mb);
  featureInput.value = "";
  if (problem) {
    featureStatus.textContent = problem;
    return;
  }
  if (postId === null) await save();
  if (postId === null) return;
  const answer = await uploadFile(urls.feature_image, file, csrf, (percent) => {
    featureStatus.textContent = `Uploading ${file.name}: ${percent}%`;
  });
  if (!answer.ok) {
    featureStatus.textContent = answer.error;
    return;
  }
  adopt(answer);
  const preview = byId("feature-preview");
  preview.src = answer.url;
  preview.hidden = false;
  featureStatus.textContent = `Uploaded ${file.name}. Now describe it (alt text) below.`;
  showState(`Saved ${answer.saved_at}`);
  form.feature_image_alt.focus();
}
featureInput.addEventListener("change", () => {
  if (featureInput.files.length) uploadFeature(featureInput.files[0]);
});
const drop = byId("feature-drop");
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("ed-dropping");
});
drop.addEventListener("dragleave", () => drop.classList.remove("ed-dropping"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("ed-dropping");
  if (event.dataTransfer.files.length) uploadFeature(event.dataTransfer.files[0]);
});
drop.addEventListener("paste", (event) => {
  const files = [...event.clipboardData.files];
  if (files.length) {
    event.preventDefault();
    uploadFeature(files[0]);
  }
});

// Publish ------------------------------------------------------------------------------------------

const publishButton = byId("publish-button");
const publishDialog = byId("publish-dialog");
if (publishButton && publishDialog) {
  const publishForm = byId("publish-form");
  const plan = byId("publish-plan");
  const review = byId("publish-review");
  const confirm = byId("publish-confirm");
  const sync = () => {
    const later = publishForm.querySelector("[name=publish-when]:checked")?.value === "later";
    publishForm.querySelector(".ed-when-time").hidden = !later;
    const channel = publishForm.querySelector("[name=publish-channel]:checked")?.value || "web";
    for (const block of publishForm.querySelectorAll(".ed-email-choices")) block.hidden = channel === "web";
    review.hidden = false;
    confirm.hidden = true;
    plan.textContent = "";
  };
  publishForm.addEventListener("change", sync);
  sync();
  publishButton.addEventListener("click", async (event) => {
    event.preventDefault();
    clearTimeout(autosaveTimer);
    await save({ explicit: true });
    if (edits !== savedEdits || conflictOpen) return;
    publishDialog.showModal();
  });
  publishForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const step = event.submitter?.value || "review";
    const data = new FormData(publishForm);
    data.set("step", step);
    plan.textContent = step === "confirm" ? "Publishing…" : "…";
    const response = await fetch(publishForm.action, { method: "POST", body: data, headers: { Accept: "application/json" } });
    const answer = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
    if (!answer.ok) {
      const errors = answer.errors ? Object.values(answer.errors).flat().map((error) => error.message) : [answer.error];
      plan.textContent = errors.join(" ");
      return;
    }
    if (step === "test") {
      // Keep what Confirm will do in view beside the test's news.
      plan.textContent = confirm.hidden ? answer.message : `${answer.message} ${plan.dataset.summary}`;
    } else if (step === "confirm") {
      location.assign(answer.redirect);
    } else {
      plan.textContent = answer.problems.length ? `Before it can go out: ${answer.problems.join(" ")}` : answer.summary;
      plan.dataset.summary = answer.summary;
      review.hidden = answer.problems.length === 0;
      confirm.hidden = answer.problems.length > 0;
      if (!confirm.hidden) confirm.focus();
    }
  });
}
for (const button of document.querySelectorAll("[data-close]")) {
  button.addEventListener("click", () => byId(button.dataset.close).close());
}

// Corrections: the public note's preview as it is typed.
const noteText = byId("id_correction-text");
if (noteText) {
  const live = byId("correction-live");
  let noteTimer;
  byId("correction-preview-button").hidden = true;
  noteText.addEventListener("input", () => {
    clearTimeout(noteTimer);
    noteTimer = setTimeout(async () => {
      if (!noteText.value.trim()) return (live.hidden = true);
      const response = await fetch(urls.correction_preview, { method: "POST", body: new FormData(byId("correction-form")) });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const note = page.getElementById("correction-preview");
      live.replaceChildren(...(note ? note.childNodes : []));
      live.hidden = false;
    }, PREVIEW_AFTER_MS);
  });
}

// The writing surface ----------------------------------------------------------------------------

function grow(field) {
  field.style.height = "auto";
  field.style.height = `${field.scrollHeight}px`;
}
window.addEventListener("resize", () => [form.title, form.subtitle].forEach(grow));
for (const field of [form.title, form.subtitle]) {
  grow(field);
  field.addEventListener("input", () => grow(field));
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      (field === form.title ? form.subtitle : area).focus();
    }
  });
}

const counter = byId("word-count");
function countWords() {
  const count = (area.value.match(/[\p{L}\p{N}_]+/gu) || []).length;
  counter.textContent = `${count.toLocaleString()} words · ${Math.max(1, Math.ceil(count / 230))} min read`;
}

enhanceToolbar(area, byId("toolbar"), () => picker.click());
for (const wrapper of document.querySelectorAll("[data-chips]")) {
  enhanceChips(wrapper, wrapper.dataset.chips === "tags" ? urls.tags : urls.authors, changed);
}
document.body.classList.add("ed-enhanced");
