/* Clean stop on request (sim/interrupt.h). The handler only stores the signal number; workers read
 * it before taking each unit. */
#include "sim/interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t aim_interrupt_sig;

static void aim_interrupt_handler(int sig)
{
    if (aim_interrupt_sig != 0 && sig != SIGUSR1) {
        /* Asked twice: the default action (end the process). */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    aim_interrupt_sig = sig;
}

void aim_interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = aim_interrupt_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int aim_interrupt_signal(void)
{
    return aim_interrupt_sig;
}

void aim_interrupt_request(int sig)
{
    aim_interrupt_sig = sig;
}
