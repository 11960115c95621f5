/*
 * fs-noicu.c - linked only when fivestar links Debian's static libxml2.a,
 * which was built with ICU: stands in for the seven ICU functions that
 * libxml2's encoding.c calls, so that ICU (libicuuc, its 30 MB of data
 * and libstdc++) is neither linked nor loaded.
 *
 * libxml2 looks for a decoder first among its own (UTF-8, UTF-16,
 * ISO-8859-x, ASCII), then in iconv (glibc: GBK, GB18030, Big5 and the
 * rest), and only then in ICU.  Here ICU knows no encoding at all:
 * ucnv_open fails, so a document in an encoding that neither libxml2 nor
 * glibc's iconv knows is refused as "unsupported encoding", as it would
 * be by a libxml2 built without ICU.  The other functions are only ever
 * called on a converter that ucnv_open returned, so they are never called.
 *
 * FS_ICU_V is the version suffix of ICU's symbol names in libxml2.a (72
 * in Debian bookworm); the Makefile reads it from the archive.
 */
#include <stddef.h>
#include <stdlib.h>

#ifndef FS_ICU_V
#define FS_ICU_V 72
#endif
#define ICU_CAT2(a, b) a##_##b
#define ICU_CAT(a, b) ICU_CAT2(a, b)
#define ICU(name) ICU_CAT(name, FS_ICU_V)

/* ICU's U_UNSUPPORTED_ERROR, a failure (any value above 0 is). */
#define U_UNSUPPORTED_ERROR 16

void *ICU(ucnv_open)(const char *name, int *status);
void ICU(ucnv_close)(void *conv);
void ICU(ucnv_convertEx)(void);
void ICU(ucnv_setFromUCallBack)(void);
void ICU(ucnv_setToUCallBack)(void);
void ICU(UCNV_FROM_U_CALLBACK_STOP)(void);
void ICU(UCNV_TO_U_CALLBACK_STOP)(void);

/* Knows no encoding: sets *STATUS to a failure, returns NULL. */
void *ICU(ucnv_open)(const char *name, int *status)
{
    (void)name;
    if (status)
        *status = U_UNSUPPORTED_ERROR;
    return NULL;
}

/* Closing the NULL converter does nothing. */
void ICU(ucnv_close)(void *conv)
{
    (void)conv;
}

/* Never reached (there is no converter to use): abort if they are. */
void ICU(ucnv_convertEx)(void) { abort(); }
void ICU(ucnv_setFromUCallBack)(void) { abort(); }
void ICU(ucnv_setToUCallBack)(void) { abort(); }
void ICU(UCNV_FROM_U_CALLBACK_STOP)(void) { abort(); }
void ICU(UCNV_TO_U_CALLBACK_STOP)(void) { abort(); }
