/* internal.h — what the training files share and nothing outside them uses. */
#ifndef YC_TRAINING_INTERNAL_H
#define YC_TRAINING_INTERNAL_H

#include "core/training/training.h"

int64_t train_now(const struct train_ctx *c);
/* Whether u may read other clerks' records and the bank (supervisors, the admin). */
bool train_overseer(const yc_user *u);

#endif
