"""Expected outcome of importing each real export in ``shared/real-exports/`` — an independent oracle.

The files there were downloaded by real people from Google Ads, Meta Ads Manager, GA4 and TikTok Ads
Manager and published on GitHub (see that folder's README.md for the origin of each). They are never
edited and never copied into the project; a test reads them from the shared folder and imports them.

Every number below was computed from the files themselves with the Python standard library only
(``codecs`` for the byte-order mark and UTF-16LE, ``csv`` for quoting and multi-line cells, ``Decimal``
for sums), NOT with Alur's own readers, and checked by a second, separate computation (a hand-written
tokenizer with no ``csv`` module and exact ``Fraction`` arithmetic, plus a hand check of the small
files). Nothing here imports Django or Alur.

Shape of a case (a plain dict):

``file``
    File name inside ``shared/real-exports/``.
``source``
    The Alur source key the test imports it as: ``"google_ads"``, ``"meta_ads"``, ``"ga4"``, ``"tiktok_ads"``.
``period``
    ``None`` when the file states its own period (a title line, ``# Start date:``/``# End date:``, or
    Meta's "Reporting starts"/"Reporting ends" columns); otherwise the ``"YYYY-MM-DD..YYYY-MM-DD"``
    the test passes because the file states none (the choice is explained in a comment).
``status``
    ``"succeeded"`` or ``"failed"``.
``rows``
    Number of DATA rows that must be stored: every data row, including rows whose metrics are all
    zero and rows that repeat another row's names; never a ``Total: …`` line or Meta's summary row.
``date_from``, ``date_to``
    The period the file covers (ISO dates).
``totals``
    Sums over the data rows. Counts (impressions, clicks, reach, sessions, engaged_sessions, bounces)
    are ints; ``conversions`` is a decimal string with 2 decimals; money (``spend``,
    ``conversion_value``) is ``{currency: "decimal string with 2 decimals"}``. The exact decimals were
    summed first and the sum rounded half-up to 2 decimals. A metric the file does not have is left out.
``file_totals``
    The same shape from the file's own total line (Google's ``Total: Campaigns`` / ``Total: Campaign`` /
    ``Total: `` line closest to the data; Meta's summary row). Present only when the file has one. It
    does NOT always equal ``totals`` (see the comment of each case): the platforms round the total from
    unrounded values, Meta's reach is de-duplicated, and a breakdown can hide metrics.

Optional keys:

``currency_assumed``
    ``True`` when the file states no currency: the test gives the source the currency (GA4: "USD").
``empty_metrics``
    Canonical metrics whose column is in the file but empty in EVERY data row: they are not in
    ``totals`` (nothing to store), although the file's total line may carry a value.
``tables_used``, ``tables_named``
    For a multi-table GA4 "Report CSV Export": the header lines of the tables whose rows are stored,
    and the header line of every table in the file, in file order.
``message_contains``
    For a failed import: substrings (compare case-insensitively) the message shown to the marketer must
    contain. ``message_example`` is a sentence that would satisfy it.
``notes``
    What is special about the file and how the numbers were derived.

Rounding check: for every money metric the sum of the values each first rounded to 4 decimals (then
rounded to 2) equals the exact-sum result in all files. Two other shortcuts DO change the result and must
not be taken: storing each row rounded to 2 decimals (meta_ads__teefusion_region.csv spend gives
33245.17, not 33245.34; ga4__twinbirds_traffic.csv revenue gives 26491848.00, not 26491848.01), and
rounding half-even (tiktok_ads__gmvmax_id.tsv revenue 2379912.425 gives .42, not .43).
"""

CASES: list[dict] = [
    # ------------------------------------------------------------------------------------ Google Ads
    {
        "file": "google_ads__clinic_eur.csv",
        "source": "google_ads",
        "period": None,  # title line 2: "March 27, 2026 - April 23, 2026"
        "status": "succeeded",
        "rows": 3,
        "date_from": "2026-03-27",
        "date_to": "2026-04-23",
        "totals": {"impressions": 0, "clicks": 0, "spend": {"EUR": "0.00"}, "conversions": "0.00"},
        # "Total: Campaigns" (label in the first column, "Campaign status"); equal to totals.
        "file_totals": {"impressions": 0, "clicks": 0, "spend": {"EUR": "0.00"}, "conversions": "0.00"},
        "notes": (
            "UTF-8, no BOM, 2 title lines; 3 Smart campaigns (one named in Greek) with every metric 0; "
            "no 'Conv. value' column, so no conversion_value. Totals lines: Campaigns, Account, Smart."
        ),
    },
    {
        "file": "google_ads__fruit4london_utf16.csv",
        "source": "google_ads",
        "period": None,  # title line 2: "27 January 2026 - 23 February 2026"
        "status": "succeeded",
        "rows": 1,
        "date_from": "2026-01-27",
        "date_to": "2026-02-23",
        "totals": {
            "impressions": 9380,
            "clicks": 264,
            "spend": {"GBP": "365.22"},
            "conversions": "25.00",
            "conversion_value": {"GBP": "841.23"},
        },
        # "Total: Campaigns" (the line right after the data); the following "Total: Campaign" (singular,
        # at account level) carries the same values. Equal to totals.
        "file_totals": {
            "impressions": 9380,
            "clicks": 264,
            "spend": {"GBP": "365.22"},
            "conversions": "25.00",
            "conversion_value": {"GBP": "841.23"},
        },
        "notes": (
            "UTF-16LE with BOM, tab-separated ('CSV for Excel'), 2 title lines; impressions quoted with "
            "English grouping '\"9,380\"'; one Performance Max campaign. Hand-checked."
        ),
    },
    {
        "file": "google_ads__fruit4london_utf8.csv",
        "source": "google_ads",
        "period": None,  # title line 2: "27 January 2026 - 23 February 2026"
        "status": "succeeded",
        "rows": 2,
        "date_from": "2026-01-27",
        "date_to": "2026-02-23",
        "totals": {
            "impressions": 40585,
            "clicks": 867,
            "spend": {"GBP": "1164.10"},
            "conversions": "74.00",
            "conversion_value": {"GBP": "2127.81"},
        },
        # "Total: Campaigns" says Cost 1164.09 while the rows add up to 798.88 + 365.22 = 1164.10:
        # Google rounds the total from unrounded costs. Everything else matches.
        "file_totals": {
            "impressions": 40585,
            "clicks": 867,
            "spend": {"GBP": "1164.09"},
            "conversions": "74.00",
            "conversion_value": {"GBP": "2127.81"},
        },
        "notes": (
            "UTF-8 comma CSV of the same account and period as the UTF-16 file but with 2 campaigns; "
            "Office Fruit Campaign has 9,392 impressions here vs 9,380 there (exported at different "
            "times). '\"31,193\"', '\"1,286.58\"' grouped; total Cost written ungrouped ('1164.09'). Hand-checked."
        ),
    },
    {
        "file": "google_ads__trimos_channeldist_vnd.csv",
        "source": "google_ads",
        "period": None,  # title line 2: "May 6, 2026 - June 4, 2026"
        "status": "succeeded",
        "rows": 7,
        "date_from": "2026-05-06",
        "date_to": "2026-06-04",
        "totals": {
            "impressions": 481293,
            "clicks": 52963,
            "spend": {"VND": "5450672.00"},
            "conversions": "39351.09",
            "conversion_value": {"VND": "8.00"},
        },
        # "Total: " (empty label, first column) says Cost 5450671, one dong less than the rows'
        # 5450672 (Google rounds the total from unrounded costs); all other metrics match.
        "file_totals": {
            "impressions": 481293,
            "clicks": 52963,
            "spend": {"VND": "5450671.00"},
            "conversions": "39351.09",
            "conversion_value": {"VND": "8.00"},
        },
        "notes": (
            "'Channel distribution report': one row per network (Display, YouTube, Search partners, Gmail, "
            "Search, Discover, Maps) in a 'Channel' column, no 'Campaign' column; VND cost without decimals; "
            "'Results' cells hold text lists ('Page View: 38,498.91; …') that are not numbers. Hand-checked."
        ),
    },
    {
        "file": "google_ads__twinbirds_utf16.csv",
        "source": "google_ads",
        "period": None,  # title line 2: "1 November 2025 - 30 April 2026"
        "status": "succeeded",
        "rows": 127,
        "date_from": "2025-11-01",
        "date_to": "2026-04-30",
        "totals": {
            "impressions": 54732365,
            "clicks": 1001479,
            "spend": {"INR": "5086953.53"},
            "conversions": "9932.52",
            "conversion_value": {"INR": "13992082.14"},
            "video_views": 2078566,  # "TrueView views"; the "Total: Campaigns" line says 2,078,566 too
        },
        # "Total: Campaigns" says Cost 5086953.52 and Conversions 9,932.51 — one cent / 0.01 below the
        # rows (5086953.53, 9932.52). The per-type lines (Total: Search, Shopping, Performance Max, Demand
        # Gen, Display, In-stream video) each match their rows except Performance Max conversions
        # (6,058.52 vs 6,058.53): Google rounds totals from unrounded values.
        "file_totals": {
            "impressions": 54732365,
            "clicks": 1001479,
            "spend": {"INR": "5086953.52"},
            "conversions": "9932.51",
            "conversion_value": {"INR": "13992082.14"},
            "video_views": 2078566,  # "TrueView views"; the "Total: Campaigns" line says 2,078,566 too
        },
        "notes": (
            "UTF-16LE with BOM, tab-separated, 2 title lines, no Day column; 127 campaigns of which 116 are "
            "paused with every metric 0 (still data rows); 8 Total lines below the data."
        ),
    },
    # --------------------------------------------------------------------------------------- Meta Ads
    {
        "file": "meta_ads__teefusion_region.csv",
        "source": "meta_ads",
        "period": None,  # every row: Reporting starts 2025-02-01, Reporting ends 2025-08-04
        "status": "succeeded",
        "rows": 492,
        "date_from": "2025-02-01",
        "date_to": "2025-08-04",
        "totals": {
            "impressions": 878306,
            "clicks": 39581,
            "spend": {"INR": "33245.34"},
            "reach": 660978,
        },
        "empty_metrics": ["conversions"],
        # The summary row (empty "Campaign name" and "Region", first after the header): impressions,
        # link clicks and spend equal the rows; reach 635040 < 660978 (Meta de-duplicates people across
        # regions, so reach does not add up); Purchases 3437 appear ONLY in the summary row — Meta does
        # not break purchases down by region, every data row's Purchases cell is empty.
        "file_totals": {
            "impressions": 878306,
            "clicks": 39581,
            "spend": {"INR": "33245.34"},
            "conversions": "3437.00",
            "reach": 635040,
        },
        "notes": (
            "UTF-8 BOM; whole-period rows (492 campaign/region pairs: 15 campaigns, 36 regions); spend with up to 8 decimals "
            "(exact sum 33245.33999999; storing rows at 2 decimals would give 33245.17); clicks = "
            "'Link clicks' (103 empty cells = 0), 'Clicks (all)' sums to 40048 and is not used."
        ),
    },
    {
        "file": "meta_ads__koszulkowy_pln.csv",
        "source": "meta_ads",
        "period": None,  # every row: Reporting starts 2026-01-01, Reporting ends 2026-01-31
        "status": "succeeded",
        "rows": 685,
        "date_from": "2026-01-01",
        "date_to": "2026-01-31",
        "totals": {
            "clicks": 60135,
            "spend": {"PLN": "34970.28"},
            "conversions": "1011.00",
            "conversion_value": {"PLN": "106738.41"},
        },
        # No summary row in this ad-level export, so no file_totals.
        "notes": (
            "UTF-8 BOM; 685 records over 1,581 physical lines (303 with multi-line quoted ad texts); 'Ad name' "
            "header twice (columns 1 and 5, identical in every row); no Campaign, Impressions or Reach column; "
            "currency only in the header 'Amount spent (PLN)' — the custom metric 'Koszulkowy Contribution "
            "Profit (7 Days Attribution) (PLN)' is not spend. 51 (ad set, ad name) pairs repeat (71 extra rows, "
            "3 of them fully identical zero-spend rows): distinct ads with the same name, all must be stored."
        ),
    },
    {
        "file": "meta_ads__danielconlan_nodata.csv",
        "source": "meta_ads",
        # The file states no period (its only record is "No data available."); the period is the one in
        # the original download's name, "Daniel-Conlan-Campaigns-1-Sep-202430-Sep-2024.csv".
        "period": "2024-09-01..2024-09-30",
        "status": "failed",
        "rows": 0,
        "date_from": "2024-09-01",
        "date_to": "2024-09-30",
        "totals": {},
        "message_contains": ["meta_ads__danielconlan_nodata.csv", "no data"],
        "message_example": (
            "meta_ads__danielconlan_nodata.csv: Meta Ads Manager wrote “No data available.” — the report has "
            "no data for its date range. Choose a date range in which the campaigns ran and export again."
        ),
        "notes": "A Meta header line and one quoted record 'No data available.' (a single cell); ASCII, no BOM.",
    },
    # -------------------------------------------------------------------------------------------- GA4
    {
        "file": "ga4__twinbirds_traffic.csv",
        "source": "ga4",
        "period": None,  # "# Start date: 20251101" / "# End date: 20260505"
        "status": "succeeded",
        "rows": 15,
        "date_from": "2025-11-01",
        "date_to": "2026-05-05",
        "currency_assumed": True,  # GA4 states no currency: the test gives the source "USD"
        "totals": {
            "sessions": 1635035,
            "engaged_sessions": 973213,
            "bounces": 661822,
            "conversions": "23131.00",
            "conversion_value": {"USD": "26491848.01"},
            "new_users": 1013822,  # "New users" (additive: a person is new once); plain csv sum re-checked
        },
        # No total row in this export, so no file_totals. Cross-check: the same property's "Events: Event name"
        # export (MANISH-D-17/GOOGLE-ADS-ANALYZER, Dataset/Events_Event_name(TwinBirds GA4).csv) has 23131 purchase
        # events and revenue 26491848.009072 for the same period.
        "notes": (
            "Traffic acquisition by 'Session primary channel group (Default channel group)'; CRLF, 9-line '#' "
            "block with the header right after it (no blank line), no newline at the end; conversions = 'Key "
            "events'; revenue with 6 decimals (exact 26491848.009112); bounces = sessions - engaged per row."
        ),
    },
    # The GA4 "Report CSV Export" (report snapshot) holds 18 tables, each under its own '#' block; none has
    # a metric Alur keeps (sessions, engaged sessions, key events/conversions, revenue) per a dimension Alur
    # keeps (channel group, campaign, region/country, device):
    #   line    9  "Nth day,Users"                                                   544 rows  users only, cohort day
    #   line  557  "Nth day,New users"                                               544 rows  new users per day (kept)
    #   line 1106  "Nth day,Total revenue"                                             0 rows  revenue, but per Nth day and empty
    #   line 1111  "Nth day,Purchase revenue"                                          0 rows  idem
    #   line 1116  "Nth day,Total purchasers"                                          0 rows  users (purchasers), empty
    #   line 1122  "Nth month,Max daily revenue,Average daily revenue,Min daily revenue"   0 rows  (2022-11-26..2023-11-26)
    #   line 1127  "Nth month,Max daily revenue,Average daily revenue,Min daily revenue"   0 rows  (2021-11-27..2022-11-27)
    #   line 1133  "Nth month,Max daily purchasers,Average daily purchasers,Min daily purchasers"  0 rows  (2022-11-26..)
    #   line 1138  "Nth month,Max daily purchasers,Average daily purchasers,Min daily purchasers"  0 rows  (2021-11-27..)
    #   line 1144  "Nth day,ARPU"                                                      0 rows  ratio
    #   line 1149  "Nth day,Purchaser conversion"                                      0 rows  ratio
    #   line 1154  "Nth day,ARPPU"                                                     0 rows  ratio
    #   line 1160  "Nth day,Average engagement time"                                 544 rows  average, cohort day
    #   line 1708  "Nth day,Engaged sessions per user"                               544 rows  ratio, cohort day
    #   line 2256  "Nth day,Average engagement time per session"                     544 rows  average, cohort day
    #   line 2805  "Cohort,Day 1,Day 7,Day 30"                                       544 rows  retention ratios
    #   line 3354  "Country ID,Users"                                                233 rows  users only (country code)
    #   line 3591  "Country,Users"                                                     7 rows  users only (top countries)
    # "Nth day" is GA4's day index within the report's date range (GA4 Data API: nthDay, "the number of days
    # since the start of the date range"), so day 0000 is 2022-06-01 and 0543 is 2023-11-26. New users are
    # additive (a person is new once), so "Nth day,New users" is a daily series Alur keeps (new_users); every
    # other table holds users (not additive), ratios, averages, cohort retention, or no rows, and is named.
    # Sum and count re-checked with a plain csv read: 5,365,981 new users over 544 rows, last index 0543.
    {
        "file": "ga4__mtgrocks_reportsnapshot.csv",
        "source": "ga4",
        "period": None,  # "# Start date: 20220601" / "# End date: 20231126" (two trend tables use other years)
        "status": "succeeded",
        "rows": 544,
        "date_from": "2022-06-01",
        "date_to": "2023-11-26",
        "totals": {"new_users": 5365981},
        "tables_used": ["Nth day,New users"],
        "tables_named": [
            "Nth day,Users",
            "Nth day,New users",
            "Nth day,Total revenue",
            "Nth day,Purchase revenue",
            "Nth day,Total purchasers",
            "Nth month,Max daily revenue,Average daily revenue,Min daily revenue",
            "Nth month,Max daily revenue,Average daily revenue,Min daily revenue",
            "Nth month,Max daily purchasers,Average daily purchasers,Min daily purchasers",
            "Nth month,Max daily purchasers,Average daily purchasers,Min daily purchasers",
            "Nth day,ARPU",
            "Nth day,Purchaser conversion",
            "Nth day,ARPPU",
            "Nth day,Average engagement time",
            "Nth day,Engaged sessions per user",
            "Nth day,Average engagement time per session",
            "Cohort,Day 1,Day 7,Day 30",
            "Country ID,Users",
            "Country,Users",
        ],
        "notes": (
            "ASCII, LF, no newline at the end; 18 tables separated by blank lines and '#' blocks; 'Nth day' "
            "cohort days 0000-0543 (not dates); 10 tables have a header and no rows."
        ),
    },
    # ---------------------------------------------------------------------------------------- TikTok
    {
        "file": "tiktok_ads__gmvmax_id.tsv",
        "source": "tiktok_ads",
        # The file states no period (no date column; 'Waktu posting' is when each video was posted,
        # latest 2026-04-30 21:59 with spend on it, so the report ends on or after that day). Chosen:
        # the calendar month after the last post.
        "period": "2026-05-01..2026-05-31",
        "status": "succeeded",
        "rows": 11,
        "date_from": "2026-05-01",
        "date_to": "2026-05-31",
        "totals": {
            "impressions": 64302,
            "clicks": 6099,
            "spend": {"IDR": "337969.00"},
            "conversions": "122.00",
            "conversion_value": {"IDR": "2379912.43"},
        },
        # No total row, so no file_totals.
        "notes": (
            "GMV Max product-ad export, Indonesian UI, tab-separated UTF-8, every cell written ='…'; "
            "'Impresi iklan produk', 'Jumlah klik iklan produk', 'Biaya', 'Pesanan SKU', 'Pendapatan kotor' "
            "(3 decimals; exact revenue 2379912.425 rounds half-up to .43, half-even would give .42); "
            "IDR from 'Mata uang'; 3 campaigns, 9 video rows + 2 'Kartu produk' (product card) rows whose video "
            "cells are '-'/'N/A'; 2 rows all zero."
        ),
    },
]
