// What a person would see go wrong on a page, measured in the browser:
// the page scrolls sideways, an element runs past the screen's edge, text
// is cut off by its box (overflow hidden, or a select narrower than its
// chosen option), a word broken in the middle to fit a narrow box.
// Called with no argument; returns plain data for the test to judge.
() => {
  const viewport = document.documentElement.clientWidth;
  const result = { scrollWidth: document.documentElement.scrollWidth, viewport,
                   wide: [], clipped: [], broken: [] };
  const hiddenOnPurpose = ".visually-hidden, .visually-hidden-focusable:not(:focus-within)";
  const scrollsCache = new Map();
  // Inside a box that scrolls sideways (.table-responsive, overflow:auto): intended.
  function inScroller(el) {
    const chain = [];
    let answer = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrollsCache.has(p)) { answer = scrollsCache.get(p); break; }
      chain.push(p);
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === "auto" || overflow === "scroll") { answer = true; break; }
    }
    chain.forEach((p) => scrollsCache.set(p, answer));
    return answer;
  }
  function describe(el) {
    let name = el.tagName.toLowerCase();
    if (el.id) { name += "#" + el.id; }
    const testid = el.getAttribute("data-testid");
    if (testid) { name += '[data-testid="' + testid + '"]'; }
    else if (typeof el.className === "string" && el.className.trim()) {
      name += "." + el.className.trim().split(/\s+/).slice(0, 3).join(".");
    }
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? name + ' "' + text + '"' : name;
  }
  const wideSet = new Set();  // only the outermost element running past the edge is named
  const canvas = document.createElement("canvas").getContext("2d");
  function textWidth(text, style) {
    canvas.font = style.fontStyle + " " + style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
    return canvas.measureText(text).width;
  }
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") { continue; }
    if (el.closest(hiddenOnPurpose)) { continue; }
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) { continue; }
    if (box.right > viewport + 1 && !inScroller(el)) {
      if (!wideSet.has(el.parentElement)) {
        result.wide.push(describe(el) + " ends at " + Math.round(box.right) + " px");
      }
      wideSet.add(el);
    }
    const clips = ["hidden", "clip"].includes(style.overflowX) || style.textOverflow === "ellipsis";
    if (clips && el.scrollWidth > el.clientWidth + 1 && (el.innerText || "").trim()) {
      result.clipped.push(describe(el) + " shows " + el.clientWidth + " of " + el.scrollWidth + " px");
    }
    if (el.tagName === "SELECT" && !el.multiple && el.selectedIndex >= 0) {
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const text = el.options[el.selectedIndex].text;
      const needs = textWidth(text, style);
      if (needs > room + 1) {
        result.clipped.push(describe(el) + ' cuts "' + text + '" (' + Math.round(room) + " of " + Math.round(needs) + " px)");
      }
    }
  }
  // Words broken in the middle: a word whose letters land on two lines.
  // Text people typed (notes, comments, addresses) may break anywhere on purpose.
  const free = "code, pre, .qa-user-text, .qa-guidance, .qa-text, .pre-line, script, style, textarea, option";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || seen.has(parent) || parent.closest(free) || parent.closest(hiddenOnPurpose)) { continue; }
    if (!parent.offsetParent && getComputedStyle(parent).position !== "fixed") { continue; }
    const words = node.data.matchAll(/[^\s\-\/·,.;:()]{2,}/g);
    for (const match of words) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) {
        result.broken.push(describe(parent) + ' breaks "' + match[0] + '"');
        seen.add(parent);
        break;
      }
    }
  }
  return result;
}
