/**
 * Reference export over HTTP on a real server (ephemeral port, the review's real index): a
 * paper's whole list and an answer's references, as JSON, BibTeX, RIS and CSL-JSON.
 */
import { Cite, type CslItem } from '@citation-js/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reference } from '../../lib/types.ts';
import { buildReviewIndex, startServer, type ReviewIndex, type RunningServer } from '../support/fixtures.ts';

const DOC_ID = 'her2-gastric-cancer-review';
const KEYNOTE_811 = { doi: '10.1038/s41586-021-04161-3', journal: 'Nature', year: 2021 };

let review: ReviewIndex;
let server: RunningServer;

beforeAll(async () => {
  review = await buildReviewIndex();
  server = await startServer(review.config);
});

afterAll(async () => {
  await server?.close();
  await review?.remove();
});

const get = (path: string) => fetch(`${server.url}${path}`);

/** Reference 33 (KEYNOTE-811, Nature 2021) as citation-js reads it back from an export. */
function keynote811In(text: string): CslItem | undefined {
  return new Cite(text).data.find((item) => item.DOI === KEYNOTE_811.doi);
}

describe('GET /api/docs/:docId/references', () => {
  it('returns the stored list as JSON without a format', async () => {
    const response = await get(`/api/docs/${DOC_ID}/references`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { docId: string; references: Reference[] };
    expect(body.docId).toBe(DOC_ID);
    expect(body.references).toHaveLength(190);
    expect(body.references).toContainEqual(expect.objectContaining({ n: 33, ...KEYNOTE_811 }));
  });

  it.each([
    ['bibtex', 'application/x-bibtex; charset=utf-8', 'bib'],
    ['ris', 'application/x-research-info-systems; charset=utf-8', 'ris'],
    ['csl', 'application/vnd.citationstyles.csl+json; charset=utf-8', 'json'],
  ])('serves the whole list as %s, to download, with reference 33 in it', async (format, contentType, extension) => {
    const response = await get(`/api/docs/${DOC_ID}/references?format=${format}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${DOC_ID}.${extension}"`);
    const text = await response.text();
    expect(new Cite(text).data).toHaveLength(190);
    expect(keynote811In(text)).toMatchObject({ DOI: KEYNOTE_811.doi, 'container-title': KEYNOTE_811.journal, issued: { 'date-parts': [[KEYNOTE_811.year]] } });
  });

  it('serves CSL-JSON that is plain JSON', async () => {
    const items = (await (await get(`/api/docs/${DOC_ID}/references?format=csl`)).json()) as CslItem[];
    expect(items.find((item) => item.id === `${DOC_ID}:33`)).toMatchObject({ type: 'article-journal', DOI: KEYNOTE_811.doi, 'container-title': 'Nature' });
  });

  it('refuses an unknown format with a 400 naming the formats', async () => {
    const response = await get(`/api/docs/${DOC_ID}/references?format=endnote`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'format must be one of bibtex, ris, csl' });
    expect((await get(`/api/docs/${DOC_ID}/references?format=bibtex&format=ris`)).status).toBe(400);
  });

  it('answers 404 with one line for a paper it does not have', async () => {
    for (const path of ['/api/docs/nope/references', '/api/docs/nope/references?format=bibtex']) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'no paper with id "nope"' });
    }
  });

  it('still serves one entry at /api/docs/:docId/references/:n', async () => {
    const response = await get(`/api/docs/${DOC_ID}/references/33`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ n: 33, ...KEYNOTE_811, citedBy: expect.any(Array) });
  });
});

describe('GET /api/references (an answer\'s references)', () => {
  it('exports the chosen references, in the order asked, in each format', async () => {
    const refs = `${DOC_ID}:33,${DOC_ID}:75,${DOC_ID}:33`;
    const json = (await (await get(`/api/references?refs=${encodeURIComponent(refs)}`)).json()) as { references: Reference[] };
    expect(json.references.map((reference) => reference.n)).toEqual([33, 75]);

    const bibtex = await get(`/api/references?refs=${refs}&format=bibtex`);
    expect(bibtex.status).toBe(200);
    expect(bibtex.headers.get('content-type')).toBe('application/x-bibtex; charset=utf-8');
    expect(bibtex.headers.get('content-disposition')).toBe('attachment; filename="references.bib"');
    const text = await bibtex.text();
    expect(new Cite(text).data.map((item) => item.DOI)).toEqual([KEYNOTE_811.doi, '10.1056/NEJMoa2004413']);
    expect(keynote811In(text)).toMatchObject({ 'container-title': 'Nature' });

    const ris = await get(`/api/references?refs=${refs}&format=ris`);
    expect(ris.headers.get('content-type')).toBe('application/x-research-info-systems; charset=utf-8');
    expect(keynote811In(await ris.text())).toMatchObject({ DOI: KEYNOTE_811.doi, issued: { 'date-parts': [[2021]] } });
  });

  it('exports the references of a real answer', async () => {
    const answer = (await (
      await fetch(`${server.url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Which journal published the KEYNOTE-811 trial?' }) })
    ).json()) as { references: { docId: string; n: number }[] };
    expect(answer.references.length).toBeGreaterThan(0);
    const refs = answer.references.map((reference) => `${reference.docId}:${reference.n}`).join(',');
    const items = (await (await get(`/api/references?refs=${encodeURIComponent(refs)}&format=csl`)).json()) as CslItem[];
    expect(items.map((item) => item.id)).toEqual(answer.references.map((reference) => `${reference.docId}:${reference.n}`));
    expect(items).toContainEqual(expect.objectContaining({ DOI: KEYNOTE_811.doi }));
  });

  it.each([
    ['no refs', '/api/references?format=bibtex', 'refs must be a comma-separated list of docId:n'],
    ['empty refs', '/api/references?refs=,', 'refs is empty'],
    ['an item without a number', `/api/references?refs=${DOC_ID}`, `refs: "${DOC_ID}" is not docId:n`],
    ['an unknown format', `/api/references?refs=${DOC_ID}:33&format=docx`, 'format must be one of bibtex, ris, csl'],
    ['more than 200 entries', `/api/references?refs=${Array.from({ length: 201 }, (_, i) => `${DOC_ID}:${i + 1}`).join(',')}`, 'refs has more than 200 entries'],
  ])('refuses %s with a 400 and one line', async (_label, path, error) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error });
  });

  it('answers 404 with one line for a reference or paper it does not have', async () => {
    const missing = await get(`/api/references?refs=${DOC_ID}:33,${DOC_ID}:999&format=bibtex`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: `paper ${DOC_ID} has no reference 999` });
    const paper = await get('/api/references?refs=nope:1');
    expect(paper.status).toBe(404);
    expect(await paper.json()).toEqual({ error: 'no paper with id "nope"' });
  });
});
