/*
 * fs-sha256.h - SHA-256 (FIPS 180-4), for the archive manifest.
 *
 * A small own implementation: neither libxml2 nor libzip exposes one, and
 * a crypto library would be a new dependency for one function.  Checked
 * against the FIPS 180-4 examples in tests/test-archive.c.
 */
#ifndef FS_SHA256_H
#define FS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define FS_SHA256_LEN 32

typedef struct fs_sha256 {
    uint32_t h[8];
    uint64_t len;               /* bytes hashed so far                     */
    unsigned char block[64];
    size_t fill;                /* bytes waiting in BLOCK                  */
} fs_sha256;

void fs_sha256_init(fs_sha256 *c);
void fs_sha256_update(fs_sha256 *c, const void *data, size_t n);
void fs_sha256_final(fs_sha256 *c, unsigned char out[FS_SHA256_LEN]);

/* The digest of DATA as 64 lower-case hex digits and a NUL in HEX. */
void fs_sha256_hex(const void *data, size_t n, char hex[2 * FS_SHA256_LEN + 1]);
/* Writes the 32-byte DIGEST as lower-case hex into HEX. */
void fs_sha256_tohex(const unsigned char digest[FS_SHA256_LEN],
                     char hex[2 * FS_SHA256_LEN + 1]);

#endif
