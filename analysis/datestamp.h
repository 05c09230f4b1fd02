/* Date-stamping of explosive episodes from a BSADF (or BADF) sequence, with exuber's conventions:
 * an episode starts at the first t whose statistic exceeds its critical value, ends at the first t
 * after the run (not the last t in it), lasts End - Start, and peaks at the largest statistic over
 * [Start, End-1] (first one if tied). An episode still running at the end of the sample has
 * End = T + 1 and is flagged ongoing. exuber stamps a series only when its GSADF exceeds the GSADF
 * critical value; that gate is the caller's (it needs the scalar critical value). */
#ifndef AIM_DATESTAMP_H
#define AIM_DATESTAMP_H

#include <stddef.h>

#include "sim/error.h"

/** @brief One explosive episode; observations are 1-based indices of the series. */
struct aim_datestamp_episode {
    size_t start;    /* first t with stat > cv */
    size_t peak;     /* argmax of stat over [start, end-1] */
    size_t end;      /* first t after the run (T+1 if ongoing) */
    size_t duration; /* end - start */
    int ongoing;     /* 1 if the run reaches the last observation */
};

/** @brief Finds the episodes of stat[i] > cv[i] for t = first_t + i (cv_len 1: one cv for all t);
 * ep must hold (count + 1) / 2 entries; *n_episodes receives how many were found. */
enum aim_status aim_datestamp_find(const double *stat, size_t count, size_t first_t, const double *cv,
                                   size_t cv_len, struct aim_datestamp_episode *ep, size_t *n_episodes);

#endif
