/*
 * fs-signal.c - stopping on SIGINT and SIGTERM (fs-base.h): the signal
 * only sets a flag; the long loops (each dossier, each form, each archive
 * member) look at it, stop, remove the temporaries they made and return
 * FS_E_INTERRUPTED, and the front end exits with 128 + the signal
 * (130, 143) and a message.  SIGXFSZ is ignored, so that a file growing
 * past `ulimit -f` fails as an ordinary write error (EFBIG) with a
 * message instead of killing the process.
 */
#define _GNU_SOURCE
#include "fs-base.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    caught = sig;
}

/* Installs the handlers; see fs-base.h. */
void fs_signal_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGXFSZ, SIG_IGN);
}

/* The signal that asked the run to stop, or 0; see fs-base.h. */
int fs_signal_caught(void)
{
    return caught;
}
