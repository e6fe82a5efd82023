// The Markdown text area, enhanced: toolbar, shortcuts, images dropped or pasted, chips for
// topics and authors. The textarea stays the source of truth (native editing, spell check,
// input methods and screen readers keep working); without this script it is a plain field.

export function replaceSelection(area, text, selectFrom = null, selectTo = null) {
  const start = area.selectionStart;
  const end = area.selectionEnd;
  area.focus();
  // insertText keeps the browser's undo history; setRangeText is the fallback.
  if (!document.execCommand || !document.execCommand("insertText", false, text)) {
    area.setRangeText(text, start, end, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  if (selectFrom !== null) area.setSelectionRange(start + selectFrom, start + (selectTo ?? selectFrom));
}

function wrap(area, before, after, placeholder) {
  const selected = area.value.slice(area.selectionStart, area.selectionEnd) || placeholder;
  replaceSelection(area, before + selected + after, before.length, before.length + selected.length);
}

function prefixLines(area, prefixFor) {
  const value = area.value;
  const start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
  let end = value.indexOf("\n", Math.max(area.selectionEnd - 1, start));
  if (end === -1) end = value.length;
  const lines = value.slice(start, end).split("\n");
  const text = lines.map((line, index) => prefixFor(index) + line).join("\n");
  area.setSelectionRange(start, end);
  replaceSelection(area, text, text.length);
}

function nextFootnote(value) {
  const used = [...value.matchAll(/\[\^(\d+)\]/g)].map((match) => Number(match[1]));
  return used.length ? Math.max(...used) + 1 : 1;
}

function blockInsert(area, block) {
  const before = area.value.slice(0, area.selectionStart);
  const gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  replaceSelection(area, gap + block + "\n\n", (gap + block).length + 2);
}

export const formats = {
  bold: (area) => wrap(area, "**", "**", "bold text"),
  italic: (area) => wrap(area, "_", "_", "italic text"),
  link: (area) => {
    const selected = area.value.slice(area.selectionStart, area.selectionEnd) || "link text";
    const text = `[${selected}](https://)`;
    replaceSelection(area, text, selected.length + 3, text.length - 1);
  },
  heading: (area) => prefixLines(area, () => "## "),
  quote: (area) => prefixLines(area, () => "> "),
  bullets: (area) => prefixLines(area, () => "- "),
  numbers: (area) => prefixLines(area, (index) => `${index + 1}. `),
  footnote: (area) => {
    const number = nextFootnote(area.value);
    const caret = area.selectionEnd;
    area.setSelectionRange(caret, caret);
    replaceSelection(area, `[^${number}]`);
    const after = area.selectionEnd;
    area.setSelectionRange(area.value.length, area.value.length);
    const note = `${area.value.endsWith("\n") ? "\n" : "\n\n"}[^${number}]: `;
    replaceSelection(area, note + "Source or note.", note.length, note.length + 15);
    area.dataset.returnTo = String(after);
  },
  table: (area) =>
    blockInsert(area, "| Column | Number |\n| :--- | ---: |\n| Text | 1 |\n| Text | 2 |"),
  divider: (area) => blockInsert(area, "---"),
};

export function enhanceToolbar(area, toolbar, pickImage) {
  toolbar.hidden = false;
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-format]");
    if (!button) return;
    if (button.dataset.format === "image") return pickImage();
    formats[button.dataset.format](area);
  });
  // Arrow keys move between the toolbar's buttons (one tab stop), as WAI-ARIA toolbars do.
  const buttons = [...toolbar.querySelectorAll("button")];
  buttons.forEach((button, index) => (button.tabIndex = index === 0 ? 0 : -1));
  toolbar.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index < 0 || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
    event.preventDefault();
    const next = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: buttons.length - 1 }[event.key];
    const target = buttons[(next + buttons.length) % buttons.length];
    buttons.forEach((button) => (button.tabIndex = -1));
    target.tabIndex = 0;
    target.focus();
  });
  area.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const name = { b: "bold", i: "italic", k: "link" }[event.key.toLowerCase()];
    if (name) {
      event.preventDefault();
      formats[name](area);
    }
  });
}

// Images ------------------------------------------------------------------------------------

export function uploadFile(url, file, csrf, onProgress) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    const body = new FormData();
    body.append("image", file);
    request.open("POST", url);
    request.setRequestHeader("X-CSRFToken", csrf);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    });
    request.addEventListener("load", () => {
      let answer;
      try {
        answer = JSON.parse(request.responseText);
      } catch {
        answer = { ok: false, error: `The upload failed (HTTP ${request.status}). Try again.` };
      }
      resolve(answer);
    });
    request.addEventListener("error", () =>
      resolve({ ok: false, error: "The upload did not reach the server. Check the connection and try again." })
    );
    request.send(body);
  });
}

export function checkFile(file, maxBytes, maxMb) {
  if (!file.type.startsWith("image/")) return `“${file.name}” is not an image.`;
  if (file.size > maxBytes)
    return `“${file.name}” is ${(file.size / 1048576).toFixed(1)} MB; images can be at most ${maxMb} MB.`;
  return "";
}

// Topics and authors as chips -----------------------------------------------------------------

export function enhanceChips(wrapper, suggestUrl, onChange) {
  const source = wrapper.querySelector("input");
  const ordered = wrapper.dataset.ordered === "1";
  const label = wrapper.querySelector("label");
  const list = document.createElement("ul");
  list.className = "ed-chips";
  const input = document.createElement("input");
  const listbox = document.createElement("ul");
  const id = `${source.id}-entry`;
  input.id = id;
  input.type = "text";
  input.autocomplete = "off";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", `${id}-options`);
  input.setAttribute("aria-describedby", `${source.id}_helptext`);
  input.placeholder = ordered ? "Type a name, then Enter" : "Type to find, Enter to add";
  listbox.id = `${id}-options`;
  listbox.className = "ed-options";
  listbox.setAttribute("role", "listbox");
  listbox.hidden = true;
  label.htmlFor = id;
  source.type = "hidden";
  source.after(list, input, listbox);

  let names = source.value.split(",").map((name) => name.trim()).filter(Boolean);
  let active = -1;

  const commit = () => {
    source.value = names.join(", ");
    render();
    onChange();
  };
  const render = () => {
    list.replaceChildren(
      ...names.map((name, index) => {
        const item = document.createElement("li");
        item.className = "ed-chip";
        item.append(name);
        const buttons = ordered ? [["↑", "Move up", -1], ["↓", "Move down", 1]] : [];
        for (const [text, what, step] of buttons) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = text;
          button.setAttribute("aria-label", `${what}: ${name}`);
          button.disabled = index + step < 0 || index + step >= names.length;
          button.addEventListener("click", () => {
            [names[index], names[index + step]] = [names[index + step], names[index]];
            commit();
          });
          item.append(button);
        }
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", `Remove ${name}`);
        remove.addEventListener("click", () => {
          names.splice(index, 1);
          commit();
          input.focus();
        });
        item.append(remove);
        return item;
      })
    );
  };
  const add = (name) => {
    name = name.replace(/,/g, " ").trim();
    if (name && !names.some((each) => each.toLowerCase() === name.toLowerCase())) names.push(name);
    input.value = "";
    close();
    commit();
  };
  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (!query) return close();
    timer = setTimeout(async () => {
      const response = await fetch(`${suggestUrl}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const found = (await response.json()).names.filter((name) => !names.includes(name));
      listbox.replaceChildren(
        ...found.map((name, index) => {
          const option = document.createElement("li");
          option.id = `${id}-option-${index}`;
          option.setAttribute("role", "option");
          option.textContent = name;
          option.addEventListener("mousedown", (event) => {
            event.preventDefault();
            add(name);
          });
          return option;
        })
      );
      listbox.hidden = found.length === 0;
      input.setAttribute("aria-expanded", String(found.length > 0));
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    const options = [...listbox.children];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach((option, index) => option.setAttribute("aria-selected", String(index === active)));
      input.setAttribute("aria-activedescendant", options[active].id);
    } else if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      add(active >= 0 && !listbox.hidden ? options[active].textContent : input.value);
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Backspace" && !input.value && names.length) {
      names.pop();
      commit();
    }
  });
  input.addEventListener("blur", () => {
    if (input.value.trim()) add(input.value);
    close();
  });
  render();
}
