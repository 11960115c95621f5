/*
 * fuzz-pieces.c - libFuzzer target for fs_fuzz_pieces (see fuzz.h); built and run
 * by `make fuzz` from the project's root.
 */
#include "fuzz.h"

/* libFuzzer's entry point: one input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fs_fuzz_pieces(data, size);
}
