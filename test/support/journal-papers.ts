/**
 * The papers test/support/journal-pdf.ts typesets for the layout tests: invented content in
 * two journal layouts, written to exercise one parsing rule per sentence.
 */
import type { JournalPaper } from './journal-pdf.ts';

const FILLER =
  'Each cohort was followed with the same protocol, and the visits were scheduled at fixed intervals so that the measurements remained comparable across sites and seasons. ';

export const TWO_COLUMNS: JournalPaper = {
  runningHead: 'Journal of Layout Tests (2024) 7:101',
  title: 'Cold-chain failures and vaccine potency in rural clinics',
  authors: 'Ada Okafor^1, Bruno Lindqvist^2 and Chen Wei^1,2',
  abstract:
    'Vaccines lose potency when the cold chain breaks. We followed 48 rural clinics for two years and measured how often refrigerators failed and what that did to the vaccines they held. Failures were common and mostly short.',
  columns: 2,
  referenceLayout: 'numbered',
  sections: [
    {
      heading: '1. Introduction',
      paragraphs: [
        `Refrigerator failures are a known threat to immunisation programmes in rural areas.^1 Earlier surveys counted failures but did not measure potency, as reported before.^2,3 ${FILLER}${FILLER}`,
        `The freeze-sensitive vaccines are the most fragile, and a single night below zero can ruin a whole batch of immuno-\ntherapy products kept beside them. ${FILLER}`,
      ],
    },
    {
      heading: '2. Methods',
      paragraphs: [
        `Clinics logged temperatures every ten minutes. A culture of 10^5 cells was used for each potency assay, and the loss was modelled as a first-order decay.^4 ${FILLER}${FILLER}${FILLER}`,
      ],
      table: {
        caption: 'Table 1. Failures by season',
        rows: [
          ['Season', 'Failures', 'Median hours'],
          ['Winter', '31', '4.5'],
          ['Summer', '12', '2.0'],
        ],
      },
    },
    {
      heading: '3. Results',
      paragraphs: [`Failures were recorded at 41 of the 48 clinics, most of them in winter.^2 ${FILLER.repeat(6)}`, FILLER.repeat(8), FILLER.repeat(8)],
    },
  ],
  references: [
    'Okafor A, Lindqvist B. Cold chains in rural health systems. Vaccine. 2019;37:1022-30. doi:10.1016/j.vaccine.2019.01.011',
    'Mensah K, Osei P, Boateng R, et al. Refrigerator failure surveys in West Africa. Trop Med Int Health. 2016;21:55-61. https://doi.org/10.1111/tmi.12630',
    'World Health Organization. Temperature sensitivity of vaccines. Geneva: WHO; 2014.',
    'Chen W. First-order models of potency loss. J Pharm Sci. 2021;110:880-8. doi:10.1016/j.xphs.2020.\n10.044',
  ],
};

export const AUTHOR_YEAR: JournalPaper = {
  runningHead: 'Animal Cognition Letters 12, 44–52',
  title: 'How ravens follow the gaze of their companions',
  authors: 'Mira Halvorsen and Tomas Beck',
  abstract:
    'Ravens follow the gaze of other ravens. We tested whether they also follow the gaze of humans and found that they do, but only when the human is familiar to them. Young birds learned it later than adults.',
  columns: 1,
  referenceLayout: 'hanging',
  sections: [
    {
      heading: 'Introduction',
      paragraphs: [
        `Gaze following is widespread in social birds (Schloegl et al., 2007; Bugnyar, 2011a). Bugnyar (2011b) showed that it develops with age. ${FILLER}`,
        `The energy of a flight follows E = m v^2 / 2 (1), which we use only to scale the arena. ${FILLER}`,
      ],
    },
    {
      heading: 'Methods',
      paragraphs: [`Twelve birds were tested in a familiar aviary, following the protocol of Range and Huber (2007). ${FILLER}${FILLER}`],
    },
  ],
  references: [
    'Bugnyar, T. (2011a). Knower–guesser differentiation in ravens: others’ viewpoints matter. Proceedings of the Royal Society B, 278, 634–640. doi: 10.1098/rspb.2010.1514',
    'Bugnyar, T. (2011b). The development of gaze following in common ravens. Animal Behaviour, 81, 221–229.',
    'Range, F., and Huber, L. (2007). Attention in common marmosets: implications for social-learning experiments. Animal Behaviour, 73, 1033–1041. doi: 10.1016/j.anbehav.2006.07.015',
    'Schloegl, C., Kotrschal, K., and Bugnyar, T. (2007). Gaze following in common ravens, Corvus corax: ontogeny and habituation. Animal Behaviour, 74, 769–778.',
  ],
};

