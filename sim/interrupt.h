/* A clean stop on request: SIGUSR1 (what Slurm's --signal sends before a time limit), SIGTERM and
 * SIGINT ask a run to stop taking new units; the units running finish and are written, so that
 * --resume continues where it stopped. A second SIGINT or SIGTERM ends the process at once. */
#ifndef AIM_INTERRUPT_H
#define AIM_INTERRUPT_H

/** @brief Installs the handlers (idempotent). */
void aim_interrupt_install(void);
/** @brief The signal that asked to stop (0: none yet). Async-signal-safe to read from any thread. */
int aim_interrupt_signal(void);
/** @brief Asks to stop as a signal would (tests, and a rank told by another). */
void aim_interrupt_request(int sig);

#endif
