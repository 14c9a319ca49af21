import type { ServerResponse } from 'node:http';
import { applicableDetailCodes, applicableResultCodes, completeSession } from './completion';
import { parseForm } from './form';
import { describeCode, resultActionOf } from './outcome';
import { applicableScenarios, type Scenario } from './scenarios';
import type { Session } from './sessions';
import type { EmulatorState } from './state';

const LABELS: Record<Scenario, string> = {
  pass: 'Pass',
  spoof: 'Spoof (1002)',
  liveness_fail: 'Liveness fails (1005)',
  liveness_engine_error: 'Liveness engine error (1001)',
  no_face: 'No face detected (1004)',
  compare_fail: 'Face compare fails (2015)',
  low_similarity: 'Low similarity (2016)',
  image_size: 'Image size wrong (2004)',
  multiple_faces: 'Several faces (2012)',
  incomplete_face: 'Incomplete face (2013)',
  low_resolution: 'Resolution too low (2014)',
  face_occluded: 'Face occluded (2017)',
  document_warning: 'Document warning',
  document_rejected: 'Document rejected',
  abandon: 'Abandon (never finish)',
};

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, content: string): void {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1d2129}
h1{font-size:1.3rem}p.note{color:#5c6370;font-size:.9rem}
form{margin:.4rem 0}button{width:100%;padding:.7rem;font-size:1rem;border:1px solid #2d72f1;border-radius:6px;background:#fff;cursor:pointer}
button[data-scenario=pass]{background:#2d72f1;color:#fff}
fieldset{margin:1rem 0;border:1px solid #c9cdd4;border-radius:6px}label{display:block;margin:.4rem 0}
select{width:100%;padding:.4rem;font-size:1rem}
</style>
</head>
<body>
<h1>${escape(title)}</h1>
${content}
</body>
</html>
`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    // Self-contained page: inline styles only. No form-action: browsers apply it to the redirects that follow a
    // submit, and the finished flow must 303 on to the backend's RedirectURL on another origin.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(html);
}

function codeOptions(session: Session, codes: readonly (string | number | null)[]): string {
  const action = resultActionOf(session.flow);
  return codes
    .map((code) =>
      code === null
        ? '<option value="null">none (null)</option>'
        : `<option value="${code}">${code} ${escape(describeCode(action, String(code)))}</option>`,
    )
    .join('');
}

/** The form that finishes a session with any result code the matrix allows it, and optionally the detail codes. */
function resultCodeForm(session: Session): string {
  const details = applicableDetailCodes(session);
  const detailSelect = (field: 'liveness' | 'compare', codes: readonly (string | number | null)[]) =>
    `<label>${field === 'liveness' ? 'Liveness' : 'Compare'} detail code <select name="${field}">` +
    `<option value="">as the result code implies</option>${codeOptions(session, codes)}</select></label>`;
  return `<form method="post" action="/web/verify/complete"><fieldset>
<legend>Or finish with a result code</legend>
<input type="hidden" name="token" value="${escape(session.token)}">
<label>Result code <select name="resultCode">${codeOptions(session, applicableResultCodes(session))}</select></label>
${details ? `${detailSelect('liveness', details.liveness)}\n${detailSelect('compare', details.compare)}\n` : ''}<button type="submit" data-result-code="">Finish with this code</button>
</fieldset></form>`;
}

/** Serves `GET /web/verify?token=…`: a button per applicable scenario (stable `data-scenario`) and a result-code form. */
export function serveVerifyPage(res: ServerResponse, query: URLSearchParams, state: EmulatorState): void {
  const token = query.get('token') ?? '';
  const session = state.sessions.get(token);
  if (!session || (session.flow !== 'web' && session.flow !== 'web-legacy')) {
    return page(res, 404, 'Unknown verification', '<p data-state="unknown">This verification link is not valid.</p>');
  }
  const status = state.sessions.state(session, state.clock.nowMs());
  if (status === 'finished')
    return page(res, 409, 'Already verified', '<p data-state="finished">This link has already been used.</p>');
  if (status === 'expired')
    return page(res, 410, 'Link expired', '<p data-state="expired">This verification link has expired.</p>');
  const buttons = applicableScenarios(session.caps, resultActionOf(session.flow))
    .map(
      (scenario) => `<form method="post" action="/web/verify/complete">
<input type="hidden" name="token" value="${escape(token)}">
<button type="submit" name="scenario" value="${scenario}" data-scenario="${scenario}">${escape(LABELS[scenario])}</button>
</form>`,
    )
    .join('\n');
  page(
    res,
    200,
    'FaceID sandbox verification',
    `<p class="note" data-state="${status}">Sandbox page standing in for Tencent's verification page. Choose what the user does.</p>\n${buttons}\n${resultCodeForm(session)}`,
  );
}

/** A detail field of the result-code form: empty follows the code, `null` is absent, digits a code. */
function formDetail(value: string | undefined): number | string | null | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'null') return null;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

/** The completion body a page form posts: a scenario button, or the result-code form. */
function formBody(form: Record<string, string>): Record<string, unknown> {
  if (form.resultCode === undefined) return { scenario: form.scenario };
  const codes = { liveness: formDetail(form.liveness), compare: formDetail(form.compare) };
  const given = Object.fromEntries(Object.entries(codes).filter(([, value]) => value !== undefined));
  return {
    scenario: form.scenario,
    resultCode: form.resultCode,
    ...(Object.keys(given).length > 0 ? { codes: given } : {}),
  };
}

/**
 * Serves `POST /web/verify/complete` (form `token` with `scenario`, or `resultCode` and optional `liveness` /
 * `compare`): finishes the session through the controls' completion logic and redirects with `?token=`.
 */
export function completeFromPage(res: ServerResponse, body: Buffer, state: EmulatorState): void {
  const form = parseForm(body.toString('utf8'));
  const token = form.token ?? '';
  const session = state.sessions.get(token);
  if (!session || (session.flow !== 'web' && session.flow !== 'web-legacy') || !session.redirectUrl) {
    return page(res, 404, 'Unknown verification', '<p data-state="unknown">This verification link is not valid.</p>');
  }
  const result = completeSession(state, token, formBody(form));
  if ('error' in result) {
    return page(res, result.status, 'Verification refused', `<p data-state="refused">${escape(result.error)}</p>`);
  }
  if (!result.outcome) {
    // An abandoning user closes the page: nothing sends the browser back to the backend.
    return page(
      res,
      200,
      'Verification abandoned',
      '<p data-state="abandoned">You left the verification without finishing it.</p>',
    );
  }
  const target = new URL(session.redirectUrl);
  target.searchParams.set('token', token);
  res.writeHead(303, { Location: target.toString(), 'Content-Length': 0, 'Cache-Control': 'no-store' });
  res.end();
}
