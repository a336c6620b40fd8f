/*
 * app.h — the running application: the server's shared state (http's
 * yc_app, what every handler sees) and the parts it is wired from, which
 * the handlers see only through yc_app's pointers.
 */
#ifndef YC_APP_H
#define YC_APP_H

#include "core/case/case.h"
#include "core/certificate/certificate.h"
#include "core/court/court.h"
#include "core/ipmed/ipmed.h"
#include "core/guide/guide.h"
#include "core/foreign/foreign.h"
#include "core/watch/watch.h"
#include "core/terminal/terminal.h"
#include "core/finance/finance.h"
#include "core/procurement/procurement.h"
#include "core/training/training.h"
#include "core/hall/hall.h"
#include "core/inspection/inspection.h"
#include "core/review/review.h"
#include "http/http.h"
#include "lib/config.h"
#include "lib/errors.h"

struct app {
	yc_app http;	       /* the server's state; its cases and hall point below */
	struct case_ctx cases; /* the case module's settings and calendar */
	struct hall_ctx hall;  /* the hall's */
	struct review_ctx reviews; /* 好差评's (its calendar is the cases') */
	struct cert_ctx certs;	   /* 电子证照's: the keyring's passphrase, the opened keys */
	struct insp_ctx insp;	   /* 双随机's (its calendar is the cases') */
	struct fin_ctx fin;	   /* the bridge-loan fund's (its calendar is the cases') */
	struct proc_ctx proc;	   /* 政府采购's (its calendar is the cases') */
	struct train_ctx train;	   /* 全能岗's (the hall's sign-in asks it) */
	struct court_ctx court;	   /* 分调裁审's (its hooks go before the fund's) */
	struct ipmed_ctx ipmed;	   /* the IP mediation workstation's */
	struct guide_ctx guide;	   /* 智能导服's: its settings and the index in use */
	struct term_ctx term;	   /* the 24-hour terminals' code and visit lives */
	struct watch_ctx watch;	   /* 效能监察's rules (the jobs run them too) */
	struct fdi_ctx fdi;	   /* the negative list's (its form rule goes before the court's) */
	struct scheduler *jobs;
};

/*
 * Wires a taken configuration into a running application: the calendar, the
 * per-capability settings, the write pipeline and its dispatcher's kick, the
 * jobs. Refuses to serve demo accounts on a non-loopback address without
 * allow-demo. On failure everything opened is closed again.
 */
int app_open(struct app *a, yc_err *err);
/* Serves until a stop signal, then stops the jobs and the pipeline. */
int app_run(struct app *a, yc_err *err);
/* Frees what app_open made (after app_run, or instead of it). */
void app_close(struct app *a);

#endif
