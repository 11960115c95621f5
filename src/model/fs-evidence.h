/*
 * fs-evidence.h - checking at validate time that the evidence files a
 * dossier names are there: each named href must open as a regular file
 * below the dossier's folder (fs_file_open_below), as the archive will
 * need it.
 */
#ifndef FS_EVIDENCE_H
#define FS_EVIDENCE_H

#include "fs-model.h"

/* Adds a warning to DIAGS, at the line of its <evidence>, for each
 * distinct href of D (loaded from the file D->path) that does not exist,
 * is not a regular file, passes through a symbolic link or would leave the
 * dossier's folder.  Returns the number of warnings added. */
size_t fs_dossier_check_evidence(const fs_dossier *d, fs_diags *diags);

#endif
