/* Episodes of a PSY statistic above its critical value (see datestamp.h for the conventions). */
#include "analysis/datestamp.h"

#include <math.h>

enum aim_status aim_datestamp_find(const double *stat, size_t count, size_t first_t, const double *cv,
                                   size_t cv_len, struct aim_datestamp_episode *ep, size_t *n_episodes)
{
    *n_episodes = 0;
    if (cv_len != 1 && cv_len != count) {
        return aim_error_set(AIM_ERR_USAGE,
                             "datestamp: %zu critical values for %zu statistics (give one, or one per t)",
                             cv_len, count);
    }
    if (first_t < 1) {
        return aim_error_set(AIM_ERR_USAGE, "datestamp: first observation must be 1 or more (got %zu)",
                             first_t);
    }
    for (size_t i = 0; i < count; i++) {
        double c = cv[cv_len == 1 ? 0 : i];
        if (isnan(stat[i]) || isnan(c)) {
            return aim_error_set(AIM_ERR_NUMERIC, "datestamp: %s at t = %zu is NaN",
                                 isnan(stat[i]) ? "statistic" : "critical value", first_t + i);
        }
    }
    size_t n = 0, i = 0;
    while (i < count) {
        if (!(stat[i] > cv[cv_len == 1 ? 0 : i])) {
            i++;
            continue;
        }
        size_t s = i, peak = i;
        while (i < count && stat[i] > cv[cv_len == 1 ? 0 : i]) {
            if (stat[i] > stat[peak]) {
                peak = i;
            }
            i++;
        }
        ep[n].start = first_t + s;
        ep[n].peak = first_t + peak;
        ep[n].end = first_t + i;
        ep[n].duration = i - s;
        ep[n].ongoing = i == count;
        n++;
    }
    *n_episodes = n;
    return AIM_OK;
}
