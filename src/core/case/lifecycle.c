/*
 * lifecycle.c — the case lifecycle (see case.h).
 *
 *                       request_correction            lapse (due day passed)
 *            ┌──────────────────────────────► correction ────────────► lapsed
 *            │            supplement          │
 *            │  ◄─────────────────────────────┘
 *   submit   │
 *  ───────► submitted ──refuse──► refused
 *            │   accept / accept_with_deficiencies (clock starts)
 *            │   (instant or commitment-based items: decided at once ─────────────┐)
 *            ▼                                                                    │
 *         accepted ◄─┐ approve (next step), return (previous step),               │
 *   ┌──────┤ │ │ │   │ assign, claim, supplement (deficiencies)                    │
 *   │      │ │ │ └───┘                                                            │
 *   │  suspend │ return (to applicant)       deny                approve (last)   │
 *   │      │   ▼                             │                     │              │
 *   │      │ returned ──supplement──► accepted                     ▼              ▼
 *   │      ▼                                 └──────► denied     approved ◄───────┘
 *   │  suspended ──resume──► accepted                      │       │
 *   │  (clock stopped; the stopped time is added back)     deliver  deliver (window: pickup code;
 *   │                                                      ▼       ▼         mail: tracking no)
 *   │  withdraw (any state before the decision)          delivered ──close──► closed
 *   └──────────────────────────────────► withdrawn      (electronic delivery closes at once)
 *
 * The system (never a user) lapses corrections, and for a composite process
 * (core/process) accepts a part started after its run was accepted and
 * withdraws a part its run cancels.
 *
 * The table below is the whole lifecycle; case_act refuses anything else.
 */
#include "core/case/case.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/case/internal.h"
#include "core/common/ids.h"
#include "core/common/material.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

#define R_APP ROLE_APPLICANT
#define R_CLK ROLE_CLERK
#define R_APR ROLE_APPROVER
#define R_SUP ROLE_SUPERVISOR
#define R_SYS ROLE_SYSTEM

/* clang-format off */
const struct lc_row case_table[] = {
	/* from         action                 roles                  to             alt            clock to      clock alt */
	{CS_SUBMITTED,  CA_ACCEPT,             R_CLK | R_SYS,         CS_ACCEPTED,   CS_APPROVED,   CLOCK_START,  CLOCK_START_DECIDE},
	{CS_SUBMITTED,  CA_ACCEPT_DEFICIENT,   R_CLK,                 CS_ACCEPTED,   CS_APPROVED,   CLOCK_START,  CLOCK_START_DECIDE},
	{CS_SUBMITTED,  CA_REQUEST_CORRECTION, R_CLK,                 CS_CORRECTION, CS_CORRECTION, CLOCK_NONE,   CLOCK_NONE},
	{CS_SUBMITTED,  CA_REFUSE,             R_CLK,                 CS_REFUSED,    CS_REFUSED,    CLOCK_NONE,   CLOCK_NONE},
	{CS_SUBMITTED,  CA_WITHDRAW,           R_APP | R_CLK | R_SYS, CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_NONE,   CLOCK_NONE},
	{CS_SUBMITTED,  CA_CHOOSE_DELIVERY,    R_APP,                 CS_SUBMITTED,  CS_SUBMITTED,  CLOCK_NONE,   CLOCK_NONE},
	{CS_CORRECTION, CA_SUPPLEMENT,         R_APP | R_CLK,         CS_SUBMITTED,  CS_SUBMITTED,  CLOCK_NONE,   CLOCK_NONE},
	{CS_CORRECTION, CA_WITHDRAW,           R_APP | R_CLK | R_SYS, CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_NONE,   CLOCK_NONE},
	{CS_CORRECTION, CA_LAPSE,              R_SYS,                 CS_LAPSED,     CS_LAPSED,     CLOCK_NONE,   CLOCK_NONE},
	{CS_ACCEPTED,   CA_SUPPLEMENT,         R_APP | R_CLK,         CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RUNS,   CLOCK_RUNS},
	{CS_ACCEPTED,   CA_ASSIGN,             R_SUP,                 CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RUNS,   CLOCK_RUNS},
	{CS_ACCEPTED,   CA_CLAIM,              R_APR,                 CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RUNS,   CLOCK_RUNS},
	{CS_ACCEPTED,   CA_APPROVE,            R_APR,                 CS_ACCEPTED,   CS_APPROVED,   CLOCK_RUNS,   CLOCK_DECIDE},
	{CS_ACCEPTED,   CA_RETURN,             R_APR,                 CS_ACCEPTED,   CS_RETURNED,   CLOCK_RUNS,   CLOCK_STOP},
	{CS_ACCEPTED,   CA_DENY,               R_APR,                 CS_DENIED,     CS_DENIED,     CLOCK_DECIDE, CLOCK_DECIDE},
	{CS_ACCEPTED,   CA_SUSPEND,            R_APR,                 CS_SUSPENDED,  CS_SUSPENDED,  CLOCK_STOP,   CLOCK_STOP},
	{CS_ACCEPTED,   CA_WITHDRAW,           R_APP | R_SYS,         CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_DROP,   CLOCK_DROP},
	{CS_ACCEPTED,   CA_CHOOSE_DELIVERY,    R_APP,                 CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RUNS,   CLOCK_RUNS},
	{CS_RETURNED,   CA_SUPPLEMENT,         R_APP | R_CLK,         CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RESUME, CLOCK_RESUME},
	{CS_RETURNED,   CA_WITHDRAW,           R_APP | R_SYS,         CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_DROP,   CLOCK_DROP},
	{CS_SUSPENDED,  CA_RESUME,             R_APR,                 CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RESUME, CLOCK_RESUME},
	{CS_SUSPENDED,  CA_ASSIGN,             R_SUP,                 CS_SUSPENDED,  CS_SUSPENDED,  CLOCK_NONE,   CLOCK_NONE},
	{CS_SUSPENDED,  CA_WITHDRAW,           R_APP | R_SYS,         CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_DROP,   CLOCK_DROP},
	{CS_APPROVED,   CA_CHOOSE_DELIVERY,    R_APP,                 CS_APPROVED,   CS_APPROVED,   CLOCK_NONE,   CLOCK_NONE},
	{CS_APPROVED,   CA_DELIVER,            R_CLK,                 CS_DELIVERED,  CS_CLOSED,     CLOCK_NONE,   CLOCK_NONE},
	{CS_DENIED,     CA_DELIVER,            R_CLK,                 CS_DELIVERED,  CS_CLOSED,     CLOCK_NONE,   CLOCK_NONE},
	{CS_DELIVERED,  CA_CLOSE,              R_CLK | R_APP,         CS_CLOSED,     CS_CLOSED,     CLOCK_NONE,   CLOCK_NONE},
};
/* clang-format on */
const enum case_clock_mode case_state_clock[CS_NSTATES] = {
	[CS_SUBMITTED] = CM_IDLE,    [CS_CORRECTION] = CM_IDLE,	  [CS_ACCEPTED] = CM_RUNNING,
	[CS_RETURNED] = CM_STOPPED,  [CS_SUSPENDED] = CM_STOPPED, [CS_APPROVED] = CM_DECIDED,
	[CS_DENIED] = CM_DECIDED,    [CS_REFUSED] = CM_OFF,	  [CS_WITHDRAWN] = CM_OFF,
	[CS_LAPSED] = CM_OFF,	     [CS_DELIVERED] = CM_DECIDED, [CS_CLOSED] = CM_DECIDED,
};

enum case_clock case_clock_between(int from, int to)
{
	/* clang-format off */
	static const enum case_clock moves[5][5] = {
		/* from \ to     idle        running       stopped     decided             off */
		[CM_IDLE]    = {CLOCK_NONE, CLOCK_START,  CLOCK_NONE, CLOCK_START_DECIDE, CLOCK_NONE},
		[CM_RUNNING] = {CLOCK_NONE, CLOCK_RUNS,   CLOCK_STOP, CLOCK_DECIDE,       CLOCK_DROP},
		[CM_STOPPED] = {CLOCK_NONE, CLOCK_RESUME, CLOCK_NONE, CLOCK_DECIDE,       CLOCK_DROP},
		[CM_DECIDED] = {CLOCK_NONE, CLOCK_NONE,   CLOCK_NONE, CLOCK_NONE,         CLOCK_NONE},
		[CM_OFF]     = {CLOCK_NONE, CLOCK_NONE,   CLOCK_NONE, CLOCK_NONE,         CLOCK_NONE},
	};
	/* clang-format on */
	return moves[case_state_clock[from]][case_state_clock[to]];
}

const int case_table_len = (int)(sizeof(case_table) / sizeof(case_table[0]));

static const char *const state_names[CS_NSTATES] = {
	"submitted", "correction", "accepted",	"returned", "suspended", "approved",
	"denied",    "refused",	   "withdrawn", "lapsed",   "delivered", "closed",
};

static const char *const action_names[CA_NACTIONS] = {
	"accept",
	"accept_with_deficiencies",
	"request_correction",
	"refuse",
	"supplement",
	"withdraw",
	"assign",
	"claim",
	"approve",
	"return",
	"deny",
	"suspend",
	"resume",
	"choose_delivery",
	"deliver",
	"close",
	"lapse",
};

/* The Chinese words the timeline and the notices use. */
const char *const case_state_labels[CS_NSTATES] = {
	"已提交",   "待补正",	"审查中", "退回补充", "特别程序中", "准予许可",
	"不予许可", "不予受理", "已撤回", "补正逾期", "已送达",	    "办结",
};

bool case_state_open(int s)
{
	return s == CS_SUBMITTED || s == CS_CORRECTION || s == CS_ACCEPTED || s == CS_RETURNED ||
	       s == CS_SUSPENDED;
}

const char *const case_channels[] = {"window", "online", "mobile",	 "kiosk",
				     "bank",   "town",	 "cross_region", NULL};
const char *const case_special_procedures[] = {"hearing",   "inspection",    "testing",
					       "appraisal", "expert_review", NULL};
const char *const case_delivery_modes[] = {"window", "mail", "electronic", NULL};

const struct lc_table case_lifecycle = {
	"case", case_table, (int)(sizeof(case_table) / sizeof(case_table[0])),
	state_names, CS_NSTATES, action_names, CA_NACTIONS,
};

const struct lc_row *case_transition_find(enum case_state s, enum case_action a)
{
	return lc_find(&case_lifecycle, s, a);
}

const char *case_state_name(int s)
{
	return lc_state_name(&case_lifecycle, s);
}

const char *case_action_name(int a)
{
	return lc_action_name(&case_lifecycle, a);
}

int case_state_parse(const char *s)
{
	return lc_state(&case_lifecycle, s);
}

int case_action_parse(const char *s)
{
	return lc_action(&case_lifecycle, s);
}
