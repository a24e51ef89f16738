/**
 * The paper's own DOI where no labelled front matter gives it: a publisher's cover sheet, a
 * DOI split over two lines, and the paper's own citation that the reference list took in.
 */
import { describe, expect, it } from 'vitest';
import { frontMatter } from '../../ingest/parse/front.ts';

const TITLE = 'The Phoenix: the role of conservation ethics in the development of a railway station';

describe("the paper's own DOI", () => {
  it('is read from the opening pages across a line break inside "dx.doi.org"', () => {
    const opening = `Cover sheet\nThis article cites 58 articles.\n\n${TITLE}\nJournal of Studies, 11(1): 1, DOI: http://dx.doi.\n\norg/10.5334/jcms.1021205\n`;
    expect(frontMatter([], { opening, title: TITLE, text: opening }, []).doi).toBe('10.5334/jcms.1021205');
  });

  it('is not a DOI of a reference entry printed on the first page', () => {
    const opening = `${TITLE}\nAs shown before (doi:10.1000/cited.1).\n`;
    expect(frontMatter([], { opening, title: TITLE, text: opening }, ['1. Smith J. Earlier work. J Stud. 2010. doi:10.1000/cited.1']).doi).toBeUndefined();
  });

  it("is the DOI of the paper's own citation, though the reference list took that citation in", () => {
    const citation = `Allington-Jones L 2013 ${TITLE}. Journal of Studies 11(1). DOI: 10.5334/jcms.1021205`;
    const opening = `${citation}\n\n${TITLE}\n`;
    expect(frontMatter([], { opening, title: TITLE, text: opening }, [citation]).doi).toBe('10.5334/jcms.1021205');
  });

  it('is found after the title in a "Cite this article" box at the end', () => {
    const text = `${TITLE}\n\nBody text without any identifier.\n\nCite this article as: Jones et al.: ${TITLE}. J Stud 2014, 15:511. doi:10.1186/1745-6215-15-511\n`;
    expect(frontMatter([], { opening: `${TITLE}\n\nBody text`, title: TITLE, text }, []).doi).toBe('10.1186/1745-6215-15-511');
  });
});

describe("the paper's authors", () => {
  const byline = (text: string) => frontMatter([{ kind: 'paragraph', text, span: { start: 0, end: 0 }, sectionPath: ['Front matter'], front: true }], { opening: '', title: '', text: '' }, []).authors;

  it('are read from initials and surnames joined by "and"', () => {
    expect(byline('A. E. Firth, B. W. Jagger, H. M. Wise and J. F. Atkins')).toEqual(['A. E. Firth', 'B. W. Jagger', 'H. M. Wise', 'J. F. Atkins']);
  });

  it('are read from names each followed by an e-mail in brackets, a surname particle kept', () => {
    expect(byline('Margriet FC de Jong (mfc.dejong@gmail.com) Nienke Molenaar (nm@example.org) Albertus Beishuizen (ab@example.org)')).toEqual(['Margriet FC de Jong', 'Nienke Molenaar', 'Albertus Beishuizen']);
  });

  it('are not read from a sentence', () => {
    expect(byline('Results. The patients were older than the controls, and Smith found more.')).toEqual([]);
  });
});
