/*
 * history.h — the state the history's parts share (history.c drives the
 * days and the cases, history_hall.c the hall's floor). Not for other
 * modules: they call demo_history_write (demo.h).
 */
#ifndef YC_DEMO_HISTORY_H
#define YC_DEMO_HISTORY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/account.h"
#include "core/demo/demo.h"

/* A small deterministic generator (splitmix64): the same seed, the same history. */
struct rng {
	uint64_t s;
};
uint64_t rng_next(struct rng *r);
/* 0 … n-1 (n > 0). */
int rng_below(struct rng *r, int n);
/* lo … hi, both included. */
int rng_between(struct rng *r, int lo, int hi);
/* true with probability per_mille / 1000. */
bool rng_chance(struct rng *r, int per_mille);

/* A person or business of the district with an account (they file, book and pick up). */
struct hist_person {
	yc_user user;
	char phone[12];
};

enum { HIST_PDFS = 6, HIST_STAFF = 96 };

/*
 * Everything one history run holds; demo_history_write owns it and frees it
 * at the end (the incomplete types are each file's own).
 */
struct hist {
	db *d;
	struct case_ctx *cc;
	struct hall_ctx *hc;
	struct review_ctx *rc;
	struct demo_history *o;
	struct rng rng;
	yc_err *err;
	int64_t now_ms; /* the moment being written */
	struct hist_person *people;
	int npeople;
	yc_user staff[HIST_STAFF]; /* staff looked up so far */
	int nstaff;
	/* the catalog and the cases (history.c) */
	cJSON *district; /* data/demo/district.json */
	struct hist_item *items;
	int nitems, total_weight;
	char pdf_sha[HIST_PDFS][65];
	struct hist_case *cases;
	int ncases, cases_cap;
	struct hist_event *heap; /* pending events, a min-heap by time: k >= 0 a case, k < 0 a run */
	int nheap, heap_cap;
	/* the composite processes' runs (history_processes.c) */
	cJSON *processes; /* data/demo/processes.json */
	struct hist_run *runs;
	int nruns, runs_cap;
	/* the hall's floor (history_hall.c) */
	struct hist_floor *floor;
	/* 好差评: the orders and callbacks being worked through (history_reviews.c) */
	struct hist_reviews *reviews;
	/* 双随机: the plans' tasks on their way to publication (history_inspections.c) */
	struct insp_ctx *ic; /* NULL: no inspections in this history */
	struct hist_insp *insp;
	/* 应急转贷: the fund's firms and their applications (history_finance.c) */
	struct fin_ctx *fc; /* NULL: no bridge loans in this history */
	struct hist_fin *fin;
	/* 政府采购: the units' contracts on their way to filing (history_procurement.c) */
	struct proc_ctx *pc; /* NULL: no procurement in this history */
	struct hist_proc *proc;
	/* 分调裁审: the filings planned over the span (history_courts.c) */
	struct court_ctx *kc; /* NULL: no court filings in this history */
	struct hist_courts *courts;
	/* 存量证照电子化: the paper stock converted (history_certs.c) */
	struct cert_ctx *certs; /* NULL: no conversions in this history */
	int64_t papers;		/* paper licences converted so far: each number's serial */
	/* 外商投资: registrations marked, changes and deregistrations planned (history_fdi.c) */
	struct hist_fdi *fdi;
	/* the watch, the terminal and the guide (history_smart.c) */
	struct hist_smart *smart;
};

/*
 * Makes room for element n of the array *array (of *cap elements of size bytes; array is the
 * address of the pointer, T **), doubling it when full. YC_ENOMEM leaves it as it was.
 */
int hist_reserve(struct hist *h, void *array, int n, int *cap, size_t size);
/* Sets every clock to t: the process's, the cases' and the hall's. */
void hist_at(struct hist *h, int64_t t);
/* UTC milliseconds of a local day and minute of the day. */
int64_t hist_ms(const struct hist *h, int32_t day, int minute);

/* The hall's working day on `day`: windows staffed, tickets issued, called and served,
 * appointments booked ahead, checked in or missed. step_cases runs the cases' events due
 * before each minute of the day. */
int hist_hall_setup(struct hist *h);
void hist_hall_free(struct hist *h);
int hist_hall_day(struct hist *h, int32_t day, int (*step_cases)(struct hist *, int64_t until));
/* Appointments booked ahead for a day (called on an earlier working day). */
int hist_hall_book(struct hist *h, int32_t day, int32_t for_day);

/* An item of the catalog as the history files for it. */
struct hist_item {
	const cJSON *doc;
	int weight;
	bool hours; /* the promised limit counts working hours */
	int limit;  /* promised limit in its unit */
	int nsteps;
	bool commitment;
	bool window_only; /* delivered at the window only */
};

/* history.c: the people and staff, items and clocks the cases draw on. */
enum { HIST_PERSONS = 260, HIST_FIRMS = 80 };
enum { INTAKE_CLERKS = 35 }; /* the clerks who take materials in: their PDFs are stored for them */
enum { HIST_OUTLETS = 6 };   /* the bank outlets' seats, bank-1 … bank-6 (政银合作) */
extern const char *const hist_firm_words[];
extern const char *const hist_firm_trades[];
extern const char *const hist_streets[];
int64_t hist_after_work(struct hist *h, int64_t t, int minutes);
int hist_item_pick(struct hist *h);
int hist_person_contact(struct hist *h, const struct hist_person *p, cJSON *applicant);
void hist_person_name(struct hist *h, char *out, size_t size);
int hist_staff_user(struct hist *h, const char *username, const yc_user **out);
/* A resident ID (371002…, born 1950–2004) and a firm's credit code, each with n (< 1000) in
 * it and its check character. */
void hist_resident_id(struct hist *h, int n, char out[19]);
void hist_credit_code(struct hist *h, int n, char out[19]);

/* history_cases.c: a new case filed, and every event due before until (cases' and runs'). */
int hist_case_new(struct hist *h, int64_t t, bool online);
/* A case planned by another part of the history: its item (code), applicant (a person's
 * index) and form (taken over), filed online at t and decided on time. */
int hist_case_planned(struct hist *h, int64_t t, const char *item, int person, cJSON *form);
void hist_cases_free(struct hist *h);
int hist_step_cases(struct hist *h, int64_t until);
/* One of the clerks who take applications in (the 综合受理 windows, clerk1). */
const char *hist_clerk(struct hist *h);
/* An event for case k (k >= 0) or run -k - 1 at t. */
int hist_event_push(struct hist *h, int64_t t, int k);

/*
 * history_processes.c: the day's runs of the district's processes (weekday_share: the
 * day's share of an average day's, in percent), a new run filed at t, and a run's next
 * step when its event comes.
 */
int hist_plan_runs(struct hist *h, int32_t day, int weekday_share);
int hist_run_new(struct hist *h, const cJSON *process, int64_t t, bool online);
int hist_run_step(struct hist *h, int r);

/*
 * history_reviews.c: on `day`, the reviews of the services that ended the day before, and
 * on working days the open channels', the visits and rounds, and the departments' steps on
 * their rectification orders and callbacks.
 */
int hist_reviews_setup(struct hist *h);
void hist_reviews_free(struct hist *h);
int hist_reviews_day(struct hist *h, int32_t day, bool work);

/*
 * history_inspections.c: the rosters and the pilot's credit codes the evening before; on
 * `day` the month's plan (and the quarter's joint one), results entered, results published,
 * the night's escalation of late publications.
 */
int hist_inspections_setup(struct hist *h);
void hist_inspections_free(struct hist *h);

/*
 * history_finance.c: the treasury's capital the evening before; the seed's four firms
 * apply for bridge money on days spread over the span (first..last); the fund disburses
 * what is approved, the banks confirm their renewals, the firms repay (one late).
 */
int hist_finance_setup(struct hist *h, int32_t first, int32_t last);
void hist_finance_free(struct hist *h);
int hist_finance_day(struct hist *h, int32_t day, bool work);

/* history_procurement.c: award notices, signing (a few late, with reasons), filing,
 * advance payments, on working days; suppliers from the roster. */
int hist_procurement_setup(struct hist *h);
void hist_procurement_free(struct hist *h);
int hist_procurement_day(struct hist *h, int32_t day, bool work);

/* history_certs.c: 存量证照电子化, each department's batches of a working day. */
int hist_certs_day(struct hist *h, int32_t day, bool work);

/* history_courts.c: filings through 网上立案 over the span, mediations ended, cases closed. */
int hist_smart_setup(struct hist *h);
void hist_smart_free(struct hist *h);
int hist_smart_day(struct hist *h, int32_t day, bool work);
int hist_fdi_setup(struct hist *h, int32_t first, int32_t last);
void hist_fdi_free(struct hist *h);
int hist_fdi_day(struct hist *h, int32_t day, bool work);
/* Whether a form field is the negative list's (filled by hist_fdi_fill, not drawn). */
bool hist_fdi_field(const char *name);
/* A business registration's form made foreign-invested, evenly, at the year's share. */
void hist_fdi_fill(struct hist *h, const char *item, cJSON *form);
int hist_courts_setup(struct hist *h, int32_t first, int32_t last);
void hist_courts_free(struct hist *h);
int hist_courts_day(struct hist *h, int32_t day, bool work);
int hist_inspections_day(struct hist *h, int32_t day, bool work);

#endif
