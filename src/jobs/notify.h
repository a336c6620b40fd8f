/*
 * jobs/notify.h — the gateways that deliver queued notifications (see
 * core/common/notify.h). Without a configured gateway a notification is written to
 * the log (recipient masked); with --sms-url, each is POSTed to the SMS
 * gateway as {"to","text"} and counts as sent on a 2xx answer.
 */
#ifndef YC_JOBS_NOTIFY_H
#define YC_JOBS_NOTIFY_H

#include <stdbool.h>

#include "core/common/notify.h"

/* Delivers one notification through the gateway. */
enum notify_outcome notify_deliver(const char *sms_url, const struct notification *n);

#endif
