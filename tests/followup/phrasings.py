"""Follow-up and next-report paragraphs as the committees word them (the shapes of their recent
concluding observations), and paragraphs that must not be read as either."""

from __future__ import annotations

from datetime import date

# (committee, paragraph text, months or due date, the paragraphs named as "10 (b)" labels)
FOLLOW_UP: list[tuple[str, str, int | date, list[str]]] = [
    (
        "CAT",
        "45. The Committee requests the State party to provide, by 28 November 2027, information on "
        "follow-up to the Committee's recommendations on the investigation of torture, on pretrial "
        "detention and on the national preventive mechanism (see paras. 9, 13 and 17 above).",
        date(2027, 11, 28),
        ["9", "13", "17"],
    ),
    (
        "CAT",
        "38. The Committee requests the State party to provide, within one year, information in "
        "response to the Committee's recommendations contained in paragraphs 10, 14 (a) and 24 of the "
        "present document.",
        12,
        ["10", "14 (a)", "24"],
    ),
    (
        "CAT",
        "42. The Committee requests the State party to provide, by 12 May 2026, information on "
        "follow-up to the Committee's recommendations on fundamental legal safeguards (see para. 11 "
        "(a)), on conditions of detention (see para. 19) and on redress (see para. 33 (b) and (c)).",
        date(2026, 5, 12),
        ["11 (a)", "19", "33 (b) (c)"],
    ),
    (
        "CAT",
        "40. The Committee requests the State party to provide, by 24 November 2027, information on "
        "follow-up to the Committee's recommendations on legal safeguards, on investigations and on "
        "redress (see paras. 9 (a)\u2013(c), 17 (a) and 27 (b)-(d) above).",
        date(2027, 11, 24),
        ["9 (a) (b) (c)", "17 (a)", "27 (b) (c) (d)"],
    ),
    (
        "CCPR",
        "50. In accordance with rule 75, paragraph 1, of the Committee's rules of procedure, the State "
        "party is requested to provide, by 27 July 2026, information on the implementation of the "
        "recommendations made by the Committee in paragraphs 11 (reconciliation), 27 (conditions of "
        "detention) and 41 (freedom of peaceful assembly) above.",
        date(2026, 7, 27),
        ["11", "27", "41"],
    ),
    (
        "CCPR",
        "30. The State party should provide, within one year, relevant information on its "
        "implementation of the Committee's recommendations in paragraphs 12, 14 and 21 above.",
        12,
        ["12", "14", "21"],
    ),
    (
        "CEDAW",
        "55. The Committee requests the State party to provide, within two years, written information "
        "on the steps taken to implement the recommendations contained in paragraphs 16 (c) and 38 (b) "
        "above.",
        24,
        ["16 (c)", "38 (b)"],
    ),
    (
        "CEDAW",
        "52. The Committee requests the State party to provide, within two years, written information "
        "on the steps taken to implement the recommendations contained in paragraphs 14 (a), 24 (c), "
        "32 (b) and (d) above.",
        24,
        ["14 (a)", "24 (c)", "32 (b) (d)"],
    ),
    (
        "CERD",
        "48. In accordance with article 9 (1) of the Convention and rule 65 of its amended rules of "
        "procedure, the Committee requests the State party to provide, within one year of the adoption "
        "of the present concluding observations, information on its implementation of the "
        "recommendations contained in paragraphs 13 (a) and (b), 27 (a) and 33 (a) above.",
        12,
        ["13 (a) (b)", "27 (a)", "33 (a)"],
    ),
    (
        "CESCR",
        "70. In accordance with the procedure on follow-up to concluding observations adopted by the "
        "Committee, the State party is requested to provide, within 24 months of the adoption of the "
        "present concluding observations, information on the implementation of the recommendations "
        "contained in paragraphs 17 (a) (non-discrimination), 27 (a) and (b) (minimum wage) and 40 "
        "(right to water) above.",
        24,
        ["17 (a)", "27 (a) (b)", "40"],
    ),
    (
        "CRC",
        "49. The Committee requests the State party to provide, within twenty-four months of the "
        "adoption of the present concluding observations, information on the implementation of the "
        "recommendations made in paragraphs 10 (b), 20 and 32 above.",
        24,
        ["10 (b)", "20", "32"],
    ),
    (
        "CRPD",
        "66. The Committee requests the State party, within 12 months and in accordance with article "
        "35 (2) of the Convention, to provide information on the measures taken to implement the "
        "Committee's recommendations as set forth in paragraphs 12 and 38 (b) above.",
        12,
        ["12", "38 (b)"],
    ),
    (
        "CRPD",
        "Follow-up to the present concluding observations\n71. The Committee requests the State party "
        "to provide, within a period of two years, information on the measures taken to implement the "
        "recommendations in paras. 8 (a), 25 and 46 (c) above.",
        24,
        ["8 (a)", "25", "46 (c)"],
    ),
]

# (committee, paragraph text, due date, what is due)
NEXT_REPORT: list[tuple[str, str, date, str]] = [
    (
        "CAT",
        "46. The Committee invites the State party to submit its next periodic report, which will be "
        "its eighth, by 12 March 2029.",
        date(2029, 3, 12),
        "next periodic report",
    ),
    (
        "CEDAW",
        "57. The Committee invites the State party to submit its tenth periodic report, which is due in "
        "accordance with the calendar of reporting, by 1 November 2028.",
        date(2028, 11, 1),
        "tenth periodic report",
    ),
    (
        "CERD",
        "52. The Committee recommends that the State party submit its combined twenty-third to "
        "twenty-fifth periodic reports, as a single document, by 4 January 2027, taking into account "
        "the reporting guidelines.",
        date(2027, 1, 4),
        "combined twenty-third to twenty-fifth periodic reports",
    ),
    (
        "CESCR",
        "72. The Committee requests the State party to submit its seventh periodic report by 31 March "
        "2029, in accordance with the guidelines adopted by the Committee in 2008.",
        date(2029, 3, 31),
        "seventh periodic report",
    ),
    (
        "CRC",
        "51. The Committee invites the State party to submit its combined seventh and eighth periodic "
        "reports by 3 October 2030 and to include therein information on the follow-up to the present "
        "concluding observations.",
        date(2030, 10, 3),
        "combined seventh and eighth periodic reports",
    ),
    (
        "CRPD",
        "72. The Committee requests the State party to submit its combined second and third periodic "
        "reports by 2 August 2028 and to include therein information on the implementation of the "
        "recommendations made in the present concluding observations.",
        date(2028, 8, 2),
        "combined second and third periodic reports",
    ),
    (
        "CCPR",
        "51. The Committee requests the State party to submit its next periodic report by 28 March "
        "2025 and to include in it information on the implementation of paragraphs 11 and 27.",
        date(2025, 3, 28),
        "next periodic report",
    ),
]

# Paragraphs that ask for nothing within a period, or whose period names no paragraph.
NOT_FOLLOW_UP: list[str] = [
    "12. The Committee recommends that the State party adopt, within two years, a comprehensive "
    "anti-discrimination law, as recommended in paragraph 5 of its previous concluding observations.",
    "22. Recalling its previous recommendations (CRC/C/PER/CO/4-5, para. 22), the Committee urges the "
    "State party to provide information on the implementation of paragraph 9 in its next report.",
    "53. The Committee requests the State party to provide, within one year, information on the "
    "measures taken to follow up the present concluding observations.",
    "60. The Committee draws the State party's attention to the recommendations concerning the "
    "following areas, in respect of which urgent measures must be taken: violence (para. 18), "
    "birth registration (para. 22) and juvenile justice (para. 45).",
    "118.12 Provide within two years information on steps taken (Norway);",
    "8. The Committee requests the State party to submit its next periodic report by 12 March 2029 and to "
    "include therein information on the implementation of paragraphs 11 and 27.",
]

NOT_NEXT_REPORT: list[str] = [
    "3. The Committee welcomes the submission of the fifth periodic report of the State party, which "
    "was submitted by 12 March 2019.",
    "4. The State party submitted its fourth periodic report by 1 June 2020, after a delay.",
    "58. The Committee encourages the State party to submit an updated common core document by 1 "
    "January 2027.",
    "59. In line with the predictable review cycle, the State party will receive in 2029 the list of "
    "issues prior to reporting and is expected to submit within one year its replies, which will "
    "constitute its fifth periodic report.",
]
