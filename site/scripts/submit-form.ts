/**
 * Progressive enhancement of /submit (the page works without it): validation as you go with the same schema as
 * the server, character counters, the grouping section only for 分组技术类, "add another case" without a round
 * trip, a draft kept in localStorage (restored after a reload or a lost connection, including the idempotency key,
 * so a resubmission after a lost response cannot create a second opinion), and submission by fetch that swaps in
 * the server's answer (errors or receipt), falling back to telling the person their text is safe when offline.
 * Plain DOM, no framework: it has to run on old office PCs and cheap phones.
 */
import { groupingCategory, parseSubmission, submissionLimits, type FieldError } from '../../schemas/submission.ts';
import { flatValues, nestValues } from '../../scripts/lib/submission/form-data.ts';
import { errorId, fieldId } from '../components/form/fields.ts';

const DRAFT_KEY = 'drg-feedback:submit-draft:v1';
/** Never saved in the draft: the signed form time belongs to this page view, the honeypot to bots. */
const NOT_DRAFTED = new Set(['formToken', 'website', 'action']);

interface Draft {
  savedAt: string;
  caseCount: number;
  values: Record<string, string>;
}

const storage = {
  get(): Draft | null {
    try {
      const d = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as Draft | null;
      return d && typeof d.values === 'object' ? d : null;
    } catch {
      return null;
    }
  },
  set(d: Draft) {
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify(d));
    } catch {
      /* storage full or disabled: the form still works */
    }
  },
  clear() {
    try {
      localStorage.removeItem(DRAFT_KEY);
    } catch {
      /* ignore */
    }
  },
};

type Field = HTMLInputElement | HTMLTextAreaElement;

export function enhanceSubmissionPage(doc: Document): void {
  if (doc.getElementById('receipt')) {
    storage.clear();
    return;
  }
  const found = doc.getElementById('submission-form') as HTMLFormElement | null;
  if (!found || found.dataset.enhanced) return;
  const form: HTMLFormElement = found;
  form.dataset.enhanced = 'true';
  const summary = doc.getElementById('error-summary');
  if (summary) summary.focus();

  const named = () => Array.from(form.querySelectorAll<Field>('input[name], textarea[name]'));
  const byName = (name: string) => form.querySelector<Field>(`[name="${CSS.escape(name)}"]`);

  // ----- values -------------------------------------------------------------------------------------------------
  const pairs = (includeDisabled: boolean): [string, string][] =>
    named()
      .filter((el) => (includeDisabled || !el.disabled) && !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked))
      .map((el) => [el.name, el.value]);

  const validate = (): FieldError[] => {
    const r = parseSubmission(nestValues(flatValues(pairs(false))));
    return r.ok ? [] : r.errors;
  };

  // ----- errors at the field ------------------------------------------------------------------------------------
  function setFieldError(name: string, message: string | undefined) {
    const input = byName(name);
    if (!input) return;
    const field = input.closest('.field');
    const isRadio = input instanceof HTMLInputElement && input.type === 'radio';
    const describedHost = isRadio ? input.closest('fieldset') : input;
    let p = doc.getElementById(errorId(name));
    const describe = (add: boolean) => {
      if (!describedHost) return;
      const ids = new Set((describedHost.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
      if (add) ids.add(errorId(name));
      else ids.delete(errorId(name));
      if (ids.size) describedHost.setAttribute('aria-describedby', [...ids].join(' '));
      else describedHost.removeAttribute('aria-describedby');
    };
    if (message) {
      if (!p) {
        p = doc.createElement('p');
        p.className = 'field-error';
        p.id = errorId(name);
        if (isRadio) input.closest('fieldset')?.querySelector('.radios')?.before(p);
        else input.before(p);
      }
      p.replaceChildren(Object.assign(doc.createElement('span'), { className: 'visually-hidden', textContent: '错误：' }), message);
      field?.classList.add('field--error');
      if (!isRadio) input.setAttribute('aria-invalid', 'true');
      describe(true);
    } else if (p) {
      p.remove();
      field?.classList.remove('field--error');
      input.removeAttribute('aria-invalid');
      describe(false);
    }
  }

  function showSummary(errors: FieldError[]) {
    doc.getElementById('error-summary')?.remove();
    const box = doc.createElement('div');
    box.className = 'error-summary';
    box.id = 'error-summary';
    box.setAttribute('role', 'alert');
    box.setAttribute('aria-labelledby', 'error-summary-title');
    box.tabIndex = -1;
    const h = Object.assign(doc.createElement('h2'), { className: 'error-summary__title', id: 'error-summary-title', textContent: '提交前请修改以下问题' });
    const ul = Object.assign(doc.createElement('ul'), { className: 'error-summary__list' });
    for (const e of errors) {
      const li = doc.createElement('li');
      const target = byName(e.field);
      if (target) {
        const a = Object.assign(doc.createElement('a'), { href: `#${target.id || fieldId(e.field)}`, textContent: e.message });
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          target.focus();
          target.scrollIntoView({ block: 'center' });
        });
        li.append(a);
      } else li.textContent = e.message;
      ul.append(li);
    }
    box.append(h, ul);
    (doc.getElementById('draft-notice') ?? form).before(box);
    if (!doc.title.startsWith('错误：')) doc.title = `错误：${doc.title}`;
    box.focus();
  }

  /** Re-checks one field after the person leaves it (or while they fix one that shows an error). */
  function check(name: string) {
    const errors = validate();
    setFieldError(name, errors.find((e) => e.field === name)?.message);
  }

  // ----- counters -----------------------------------------------------------------------------------------------
  let announce: number | undefined;
  function count(el: Field, speak: boolean) {
    const max = Number(el.dataset.max);
    if (!max) return;
    const counter = doc.getElementById(`${el.id}-counter`);
    const n = [...el.value].length;
    const text = n > max ? `已超出 ${n - max} 个字` : `最多 ${max} 个字，还可以输入 ${max - n} 个字`;
    if (counter) {
      counter.textContent = text;
      counter.classList.toggle('counter--over', n > max);
    }
    if (speak) {
      window.clearTimeout(announce);
      announce = window.setTimeout(() => {
        const status = doc.getElementById('counter-status');
        if (status) status.textContent = text;
      }, 1000);
    }
  }

  // ----- grouping section ---------------------------------------------------------------------------------------
  const grouping = doc.getElementById('grouping-section');
  function updateConditional() {
    if (!grouping) return;
    const chosen = form.querySelector<HTMLInputElement>('input[name="category"]:checked')?.value;
    const show = chosen === groupingCategory;
    grouping.hidden = !show;
    // Hidden answers are not sent: a person who switches away from 分组技术类 does not file stale case data.
    grouping.querySelector('fieldset')!.disabled = !show;
  }

  // ----- cases --------------------------------------------------------------------------------------------------
  const casesBox = doc.getElementById('cases');
  const addCaseButton = doc.getElementById('add-case');
  const caseCount = () => casesBox?.querySelectorAll('[data-case]').length ?? 0;
  function addCase(): HTMLElement | null {
    if (!casesBox) return null;
    const last = casesBox.querySelector<HTMLElement>('[data-case]:last-of-type');
    if (!last || caseCount() >= submissionLimits.cases) return null;
    const from = Number(last.dataset.case);
    const to = from + 1;
    const clone = last.cloneNode(true) as HTMLElement;
    clone.dataset.case = String(to);
    const rename = (s: string) => s.replaceAll(`cases.${from}.`, `cases.${to}.`).replaceAll(`f-cases-${from}-`, `f-cases-${to}-`);
    clone.querySelectorAll('*').forEach((el) => {
      for (const attr of ['name', 'id', 'for', 'aria-describedby']) {
        const v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, rename(v));
      }
    });
    clone.querySelectorAll('.field-error').forEach((el) => el.remove());
    clone.querySelectorAll('.field--error').forEach((el) => el.classList.remove('field--error'));
    clone.querySelectorAll<Field>('input, textarea').forEach((el) => {
      el.value = '';
      el.removeAttribute('aria-invalid');
      const described = el.getAttribute('aria-describedby');
      if (described) el.setAttribute('aria-describedby', described.split(' ').filter((id) => !id.endsWith('-error')).join(' '));
    });
    const legend = clone.querySelector('legend');
    if (legend) legend.textContent = `病案举例 ${to + 1}`;
    last.after(clone);
    if (addCaseButton) addCaseButton.hidden = caseCount() >= submissionLimits.cases;
    return clone;
  }

  // ----- draft --------------------------------------------------------------------------------------------------
  let saveTimer: number | undefined;
  function saveDraft() {
    window.clearTimeout(saveTimer);
    const values: Record<string, string> = {};
    for (const [k, v] of pairs(true)) if (!NOT_DRAFTED.has(k)) values[k] = v;
    storage.set({ savedAt: new Date().toISOString(), caseCount: caseCount(), values });
  }
  const scheduleSave = () => {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(saveDraft, 300);
  };

  function restoreDraft(): boolean {
    const draft = storage.get();
    if (!draft) return false;
    const here = byName('objection')?.value ?? '';
    if ((draft.values.objection ?? '') !== here) return false;
    const typed = Object.entries(draft.values).some(([k, v]) => k !== 'idempotencyKey' && k !== 'publicConsent' && k !== 'objection' && v.trim() !== '');
    if (!typed) return false;
    while (caseCount() < Math.min(draft.caseCount, submissionLimits.cases)) if (!addCase()) break;
    for (const el of named()) {
      if (NOT_DRAFTED.has(el.name) || !(el.name in draft.values)) continue;
      if (el instanceof HTMLInputElement && el.type === 'radio') el.checked = draft.values[el.name] === el.value;
      else el.value = draft.values[el.name];
    }
    return true;
  }

  // ----- wiring -------------------------------------------------------------------------------------------------
  form.addEventListener('focusout', (ev) => {
    const el = ev.target as Field;
    if (!el.name || NOT_DRAFTED.has(el.name) || el.type === 'hidden') return;
    if (el instanceof HTMLInputElement && el.type === 'radio') return; // checked on change
    if (el.value.trim() !== '' || doc.getElementById(errorId(el.name))) check(el.name);
  });
  form.addEventListener('input', (ev) => {
    const el = ev.target as Field;
    count(el, true);
    if (doc.getElementById(errorId(el.name))) check(el.name);
    scheduleSave();
  });
  form.addEventListener('change', (ev) => {
    const el = ev.target as Field;
    if (el.name === 'category') updateConditional();
    if (el instanceof HTMLInputElement && el.type === 'radio') check(el.name);
    scheduleSave();
  });

  const status = doc.getElementById('form-status');
  const say = (text: string) => {
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
  };
  const submitButton = doc.getElementById('submit-button') as HTMLButtonElement | null;

  form.addEventListener('submit', async (ev) => {
    const submitter = (ev as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value === 'add-case') {
      ev.preventDefault();
      const added = addCase();
      added?.querySelector<Field>('input, textarea')?.focus();
      scheduleSave();
      return;
    }
    ev.preventDefault();
    const errors = validate();
    const shown = new Set(errors.map((e) => e.field));
    form.querySelectorAll('.field-error').forEach((p) => {
      const name = named().find((el) => errorId(el.name) === p.id)?.name;
      if (name && !shown.has(name)) setFieldError(name, undefined);
    });
    if (errors.length) {
      for (const e of errors) setFieldError(e.field, e.message);
      showSummary(errors);
      return;
    }
    saveDraft();
    if (submitButton) {
      submitButton.disabled = true;
      submitButton.textContent = '正在提交…';
    }
    try {
      // getAttribute, not form.action: the "add another case" button is named `action` and shadows the property.
      const res = await fetch(form.getAttribute('action') ?? '/submit', {
        method: 'POST',
        body: new URLSearchParams(pairs(false)),
        headers: { accept: 'text/html' },
        credentials: 'same-origin',
        signal: AbortSignal.timeout(30_000),
      });
      const page = new DOMParser().parseFromString(await res.text(), 'text/html');
      const next = page.querySelector('main');
      const main = doc.querySelector('main');
      if (!next || !main) throw new Error('unexpected answer');
      main.replaceChildren(...Array.from(next.childNodes).map((n) => doc.importNode(n, true)));
      doc.title = page.title;
      window.scrollTo(0, 0);
      enhanceSubmissionPage(doc);
      (doc.getElementById('receipt-heading') ?? doc.getElementById('error-summary'))?.focus();
    } catch {
      say('网络连接中断，意见还没有提交成功。您填写的内容已保存在本机浏览器中，请检查网络后再次点击“提交意见”，不会重复提交。');
      status?.focus();
      if (submitButton) {
        submitButton.disabled = false;
        submitButton.textContent = '提交意见';
      }
    }
  });

  doc.getElementById('draft-clear')?.addEventListener('click', () => {
    storage.clear();
    form.reset();
    for (const el of Array.from(form.querySelectorAll('[data-case]')).slice(1)) el.remove();
    if (addCaseButton) addCaseButton.hidden = false;
    named().forEach((el) => count(el, false));
    updateConditional();
    doc.getElementById('draft-notice')!.hidden = true;
    byName('organization')?.focus();
  });

  if (form.dataset.fresh === 'true' && restoreDraft()) {
    const notice = doc.getElementById('draft-notice');
    if (notice) notice.hidden = false;
  }
  named().forEach((el) => count(el, false));
  updateConditional();
}
