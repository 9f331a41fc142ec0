// Shared helpers of the N-API binding: argument checks that throw TypeError,
// and errors that carry an errno `code` like Node's own.
#ifndef SC_BINDING_H
#define SC_BINDING_H

#include <napi.h>

namespace sc {

// Throw `syscall CODE` (e.g. "listen EADDRINUSE") with .code/.errno/.syscall
// set, as Node's net errors have them. `err` is a negated errno.
void ThrowErrno(Napi::Env env, int err, const char *syscall);

// Read info[i] as an int; on a wrong type throw TypeError and return false.
bool ArgInt(const Napi::CallbackInfo &info, size_t i, const char *name,
            int *out);

// Read info[i] as a Uint8Array (Buffer) byte range [offset, offset + length)
// from info[i + 1] and info[i + 2]; throw RangeError when it does not fit.
bool ArgByteRange(const Napi::CallbackInfo &info, size_t i, uint8_t **data,
                  size_t *length);

Napi::Object InitLoop(Napi::Env env, Napi::Object exports);
Napi::Object InitFd(Napi::Env env, Napi::Object exports);

}  // namespace sc

#endif  // SC_BINDING_H
